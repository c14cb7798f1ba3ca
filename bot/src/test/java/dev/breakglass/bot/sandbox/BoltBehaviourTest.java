package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.state.RecordedCall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Things Bolt's client does on its own that show up in the emulator's call record. */
class BoltBehaviourTest {

    @Test
    void withDefaultSettingsTheClientCallsAuthTestOnceForEachNewToken() throws Exception {
        // a token no other test used: the client's team-id cache is static, per JVM
        String token = "xoxb-stats-" + System.nanoTime();
        try (SlackEmulator emulator = SlackEmulator.builder().botToken(token).start()) {
            SlackConfig config = new SlackConfig();
            config.setMethodsEndpointUrlPrefix(emulator.apiUrl());
            try (Slack slack = Slack.getInstance(config)) {
                slack.methods(token).chatPostMessage(r -> r.channel("C0GENERAL").text("one"));
                slack.methods(token).chatPostMessage(r -> r.channel("C0GENERAL").text("two"));
            }
            // metrics (statsEnabled, the default) resolve the team id with auth.test before the first call
            assertEquals(List.of("auth.test", "chat.postMessage", "chat.postMessage"),
                    emulator.calls().stream().map(RecordedCall::method).toList());
        }
    }
}

package dev.breakglass.bot.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlackSettingsTest {
    private static SlackSettings settings(String bot, String secret, String app, String url) {
        return new SlackSettings(Optional.ofNullable(bot), Optional.ofNullable(secret), Optional.ofNullable(app), url);
    }

    @Test
    void theModeFollowsFromWhatIsSet() {
        assertEquals(SlackSettings.Mode.SANDBOX, settings("", "", "", "").mode());
        assertEquals(SlackSettings.Mode.SANDBOX, settings(null, "s", null, null).mode());
        assertEquals(SlackSettings.Mode.HTTP, settings("xoxb-test-token", "s", "", "").mode());
        assertEquals(SlackSettings.Mode.SOCKET_MODE, settings("xoxb-test-token", "", "xapp-test-token", "").mode());
    }

    @Test
    void theApiUrlDefaultsToSlackAndEndsWithASlash() {
        assertEquals("https://slack.com/api/", settings(null, null, null, " ").apiUrl());
        assertEquals("http://127.0.0.1:9/api/", settings(null, null, null, "http://127.0.0.1:9/api").apiUrl());
    }

    @Test
    void badCombinationsStopTheStartWithTheSettingToFix() {
        var e = assertThrows(IllegalArgumentException.class, () -> settings("xoxb-test-token", "", "", ""));
        assertTrue(e.getMessage().contains("SLACK_SIGNING_SECRET"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings("xoxp-user-token", "s", "", ""));
        assertTrue(e.getMessage().contains("SLACK_BOT_TOKEN must be a bot token"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings("xoxb-test-token", "", "xoxb-wrong", ""));
        assertTrue(e.getMessage().contains("SLACK_APP_TOKEN"), e.getMessage());
    }

    @Test
    void secretsNeverPrint() {
        String text = settings("xoxb-test-token", "very-secret", "xapp-test-token", "").toString();
        assertFalse(text.contains("xoxb") || text.contains("very-secret") || text.contains("xapp"), text);
    }
}

package dev.breakglass.bot.stepup;

import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.PluginJar;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.StepUp;
import dev.breakglass.port.StepUpFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An organisation's own second factor as a plugin: a {@link StepUpFactory} compiled against the {@code commands}
 * module alone, in a jar in the plugins folder, chosen by {@code step-up.factor}, given its settings and the bot's
 * clock, and asked by the Approve code modal.
 */
class StepUpPluginTest {
    /** A stand-in for a hardware token: the code is the settings' prefix and the minute of the bot's clock. */
    private static final String SOURCE = """
            package example.factor;

            import dev.breakglass.port.*;
            import java.time.Clock;
            import java.util.*;

            public final class MinuteTokenFactory implements StepUpFactory {
                public String type() { return "minute-token"; }

                public StepUp create(Map<String, Object> settings, Clock clock) {
                    Object prefix = settings.get("prefix");
                    if (prefix == null) throw new IllegalArgumentException("prefix: required");
                    Set<String> enrolled = new HashSet<>(List.of("U0BOB"));
                    return new StepUp() {
                        public String type() { return "minute-token"; }
                        public boolean enrolled(String user) { return enrolled.contains(user); }
                        public Enrolment enrol(String user) {
                            return new Enrolment("Ask the security desk for a token.", Optional.empty());
                        }
                        public Check confirm(String user, String code) { return verify(user, code); }
                        public Check verify(String user, String code) {
                            String expected = prefix + "" + (clock.instant().getEpochSecond() / 60);
                            return code.equals(expected) ? new Check.Passed() : new Check.Failed(Failure.WRONG);
                        }
                        public boolean reset(String user) { return enrolled.remove(user); }
                    };
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aStepUpPluginFromThePluginsFolderIsChosenByThePolicyAndGuardsApprovals() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginJar.build(dir, plugins, "minute-token.jar", "example.factor.MinuteTokenFactory", SOURCE,
                StepUpFactory.class);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\n"
                    + "step-up:\n  factor: minute-token\n  settings:\n    prefix: MT\n"
                    + "targets:\n  orders-db:\n    adapter: webhook\n    max-duration: 1h\n    step-up: approver\n"
                    + "    requesters: [U0ALICE]\n    approvers: [U0BOB]\n    settings:\n      url: " + receiver.url()
                    + "\n      secret: " + WebhookReceiver.SECRET + "\n";
            try (RunningBot bot = RunningBot.builder().policy(policy).property("breakglass.plugins", plugins.toString())
                    .start().awaitHealthy(Duration.ofSeconds(20))) {
                assertEquals("minute-token", bot.bean(StepUp.class).type());
                assertInstanceOf(StepUp.class, bot.bean(StepUp.class));
                Workflow flow = new Workflow(bot);
                GrantId id = flow.request(Workflow.ALICE, "orders-db 30m the orders database is down, restart it");

                flow.press(Workflow.BOB, flow.card(id), GrantCard.APPROVE, id);
                SlackView modal = bot.slack().openModal(Workflow.BOB).orElseThrow();
                bot.deliver().viewSubmission(Workflow.BOB, modal.id(), ViewInput.create()
                        .plainText("step_up_code", "step_up_code_input", "MT0"));
                assertTrue(bot.slack().openModal(Workflow.BOB).orElseThrow().errors().toString().contains("not right"));
                assertEquals(GrantState.PENDING, flow.grant(id).state());

                String code = "MT" + bot.clock().instant().getEpochSecond() / 60;
                bot.deliver().viewSubmission(Workflow.BOB, modal.id(), ViewInput.create()
                        .plainText("step_up_code", "step_up_code_input", code));
                flow.awaitState(id, GrantState.ACTIVE);
                assertEquals(List.of(Workflow.BOB), flow.grant(id).stepUpVerified());
            }
        }
    }
}

package dev.breakglass.bot.adapter.sshcert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole loop through Slack with a real sshd: request, approve, reveal the key and certificate, log in, click
 * "I'm done", and the same login is refused. Also: the bot finds the factory, and bad settings stop it at start.
 */
class SshCertSlackFlowTest {
    private static final String WHY = "INC-42: disk full on the orders hosts, need a shell";

    @TempDir
    Path dir;

    private String policy(Path ca, Path krl) {
        return "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY]\n"
                + "targets:\n"
                + "  prod-hosts:\n    description: Production hosts (SSH)\n    adapter: ssh-cert\n"
                + "    max-duration: 1h\n    default-duration: 30m\n    approvals: 1\n"
                + "    requesters: [U0ALICE]\n    approvers: [U0BOB]\n    revokers: [U0CAROL]\n"
                + "    settings:\n      ca-key: " + ca + "\n      krl: " + krl + "\n      principals: [root]\n"
                + "      host: 127.0.0.1\n";
    }

    @Test
    void requestApproveRevealLogInAndImDoneRefusesTheNextLogin() throws Exception {
        TestSshd.require();
        Path ca = SshTools.newCa(dir, "ca", "");
        Path krl = dir.resolve("revoked.krl");
        try (RunningBot bot = RunningBot.builder().policy(policy(ca, krl)).start().awaitHealthy(Duration.ofSeconds(20));
             TestSshd sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")), Path.of(ca + ".pub"), krl,
                     List.of())) {
            Workflow flow = new Workflow(bot);
            GrantId id = flow.request(ALICE, "prod-hosts 30m " + WHY);
            flow.click(BOB, flow.card(id), GrantCard.APPROVE, id);
            Grant active = flow.awaitState(id, GrantState.ACTIVE);
            assertTrue(active.handle().orElseThrow().startsWith("{\"serial\":" + id.value() + ","),
                    active.handle().orElseThrow());

            Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
            flow.press(ALICE, ready, GrantCard.REVEAL, id);
            SlackView modal = bot.slack().openModal(ALICE).orElseThrow();
            Path key = SshTools.writePrivate(dir.resolve("bg"), shown(modal.view(), "private key"));
            Path cert = Files.writeString(dir.resolve("bg-cert.pub"), shown(modal.view(), "certificate") + "\n");
            assertTrue(shown(modal.view(), "how to connect").contains("root@127.0.0.1"));

            SshTools.Output in = sshd.login(key, cert);
            assertEquals(0, in.exit(), () -> in.text() + "\n" + sshd.log());

            String done = flow.click(ALICE, ready, GrantCard.DONE, id);
            assertTrue(done.startsWith("Access of " + id + " removed"), done);
            assertEquals(GrantState.REVOKED, flow.grant(id).state());

            SshTools.Output out = sshd.login(key, cert);
            assertNotEquals(0, out.exit(), sshd::log);
            assertTrue(SshTools.revoked(krl, cert));
        }
    }

    @Test
    void theBotHasTheFactoryAndRefusesToStartWithABadCaKey() {
        try (RunningBot bot = RunningBot.overHttp()) {
            assertTrue(bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .anyMatch(f -> f.type().equals("ssh-cert")));
        }
        Path missing = dir.resolve("no-ca");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> RunningBot.builder().policy(policy(missing, dir.resolve("revoked.krl"))).start().close());
        String messages = causes(e);
        assertTrue(messages.contains("targets.prod-hosts (ssh-cert adapter): settings.ca-key: \"" + missing
                + "\" does not exist"), messages);
    }

    /** A field of the Reveal modal: the text between the fences under its bold label. */
    private static String shown(JsonNode view, String label) {
        for (JsonNode block : view.path("blocks")) {
            String text = block.path("text").path("text").asText();
            if (text.startsWith("*" + label + "*\n```")) {
                String value = text.substring(text.indexOf("```") + 3, text.lastIndexOf("```"));
                return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            }
        }
        throw new AssertionError("no " + label + " in the modal: " + view);
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }
}

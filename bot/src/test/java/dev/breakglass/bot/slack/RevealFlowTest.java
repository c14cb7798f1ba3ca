package dev.breakglass.bot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.CredentialVault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reveal never wastes the only reveal: long credentials (a 40 KB kubeconfig) are shown split within Slack's
 * limits and join back exactly; a window Slack refuses, or credentials too long for any window, leave the reveal
 * unused; and a reveal is in the audit log (who, when, which grant) without the value.
 */
class RevealFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";

    @RegisterExtension
    final BotExtension running = BotExtension.withWebhookTarget();

    private WebhookReceiver receiver;
    private RunningBot bot;
    private Workflow flow;

    /**
     * A kubeconfig-like value of at least {@code size} characters: long base64 lines, line breaks, characters
     * Slack needs escaped, two-byte and four-byte (surrogate pair) characters, spread so that split points fall
     * next to them.
     */
    static String kubeconfig(int size) {
        StringBuilder k = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
                + "    certificate-authority-data: ");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long seed = 7;
        while (k.length() < size) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int pick = (int) ((seed >>> 33) % 1000);
            if (pick < 3) {
                k.append("\n    token: ");
            } else if (pick < 8) {
                k.append("&<>");
            } else if (pick < 14) {
                k.append("é");
            } else if (pick < 20) {
                k.append("\uD83D\uDD11"); // 🔑, a surrogate pair
            } else {
                k.append(alphabet.charAt(pick % alphabet.length()));
            }
        }
        return k.toString();
    }

    private GrantId activeGrant() {
        return flow.activeGrant(ALICE, BOB, "orders-db:admin 30m " + WHY);
    }

    private List<AuditEntry> reveals(GrantId id) {
        return bot.bean(JdbcAuditLog.class).forGrant(id.value()).stream()
                .filter(e -> e.type().equals("CredentialsRevealed")).toList();
    }

    @Test
    void a40KbKubeconfigIsShownInOneValidWindowAndJoinsBackExactly() {
        String secret = kubeconfig(40 * 1024);
        receiver.issue(Map.of("kubeconfig", secret));
        GrantId id = activeGrant();
        Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
        flow.press(ALICE, ready, GrantCard.REVEAL, id);
        SlackView modal = bot.slack().openModal(ALICE).orElseThrow(() -> new AssertionError("no window: "
                + flow.awaitResponse(ALICE, 0)));

        JsonNode blocks = modal.view().path("blocks");
        assertTrue(blocks.size() <= 50, blocks.size() + " blocks");
        StringBuilder joined = new StringBuilder();
        for (JsonNode block : blocks) {
            String text = block.path("text").path("text").asText();
            assertTrue(text.length() <= 3000, "section of " + text.length() + " characters");
            assertEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                    "no character cut in half");
            int open = text.indexOf("```");
            if (open >= 0) {
                joined.append(SlackText.unescape(text.substring(open + 3, text.lastIndexOf("```"))));
            }
        }
        assertTrue(blocks.get(0).toString().contains("split over several boxes"), blocks.get(0).toString());
        assertEquals(secret, joined.toString(), "the pieces join back to the value");

        RunningBot.await(Workflow.WAIT, () -> reveals(id).size() == 1, () -> "the reveal is audited: " + reveals(id));
        List<AuditEntry> revealed = reveals(id);
        assertEquals(1, revealed.size());
        assertEquals(ALICE, revealed.get(0).actor());
        List<AuditEntry> trail = bot.bean(JdbcAuditLog.class).forGrant(id.value());
        for (int i = 0; i + 40 <= secret.length(); i += 40) {
            String slice = secret.substring(i, i + 40);
            assertFalse(trail.toString().contains(slice), "the value is not in the audit log");
        }
        String shown = flow.command(ALICE, "audit " + id);
        assertTrue(shown.contains("*CredentialsRevealed* · <@U0ALICE>"), shown);

        String again = flow.click(ALICE, ready, GrantCard.REVEAL, id);
        assertTrue(again.contains("already revealed 1 time"), again);
        assertEquals(1, reveals(id).size(), "a refused reveal is not a reveal");
    }

    @Test
    void aWindowSlackRefusesLeavesTheRevealForTheNextClick() {
        GrantId id = activeGrant();
        Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
        bot.slack().rateLimitNext("views.open", 1, 1);
        bot.slack().rateLimitNext("views.update", 1, 1);
        String refused = flow.click(ALICE, ready, GrantCard.REVEAL, id);
        assertTrue(refused.contains("Slack did not open the window") && refused.contains("Your reveal was not used"),
                refused);
        assertEquals(List.of(), reveals(id));

        flow.press(ALICE, ready, GrantCard.REVEAL, id);
        SlackView modal = bot.slack().openModal(ALICE).orElseThrow();
        assertTrue(modal.view().toString().contains(receiver.password()), "the one reveal is still there");
        RunningBot.await(Workflow.WAIT, () -> reveals(id).size() == 1, () -> "the reveal is audited: " + reveals(id));
        assertEquals(1, reveals(id).size());
    }

    @Test
    void credentialsTooLongForAnyWindowSaySoAndLeaveTheRevealUnused() {
        receiver.issue(Map.of("kubeconfig", kubeconfig(200 * 1024)));
        GrantId id = activeGrant();
        Message ready = flow.awaitDirectMessage(ALICE, id, "is ready");
        String answer = flow.click(ALICE, ready, GrantCard.REVEAL, id);
        assertTrue(answer.contains("too long to show in Slack") && answer.contains("Your reveal was not used"), answer);
        assertEquals(Optional.empty(), bot.slack().openModal(ALICE));
        assertEquals(List.of(), reveals(id));
        assertInstanceOf(CredentialVault.Reveal.Revealed.class, bot.bean(CredentialVault.class).reveal(id, 1),
                "not counted");
    }
}

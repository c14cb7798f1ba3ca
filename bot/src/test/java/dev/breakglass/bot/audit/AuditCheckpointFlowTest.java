package dev.breakglass.bot.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.bot.testing.WebhookReceiver;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A grant that closes publishes a signed checkpoint to the security channel and the SIEM; a database admin who then
 * cuts the log's tail and resets its head with plain SQL is caught by {@code verify} with that checkpoint.
 */
class AuditCheckpointFlowTest {
    private static final String AUDIT_CHANNEL = "C0SECURITY";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(Checkpoint.PREFIX) + " [^`]+");
    private final WebhookReceiver receiver = new WebhookReceiver();
    private final SiemReceiver siem = new SiemReceiver();
    private final TestDatabase db = TestDatabase.h2();
    private RunningBot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        receiver.close();
        siem.close();
        db.close();
    }

    private List<Checkpoint> posted() {
        return bot.slack().messages(AUDIT_CHANNEL).stream().map(Message::text).map(LINE::matcher)
                .filter(Matcher::find).map(m -> Checkpoint.parse(m.group())).toList();
    }

    @Test
    void aClosedGrantPublishesACheckpointThatCatchesACutTail() throws Exception {
        String policy = Workflow.policy(receiver).replace("  notify: [C0SECURITY, C0MGMT]\n",
                "  notify: [C0MGMT]\n  security: " + AUDIT_CHANNEL + "\n");
        bot = RunningBot.builder().policy(policy).database(db)
                .property("breakglass.audit.siem.url", siem.url().toString())
                .property("breakglass.audit.siem.secret", SiemReceiver.SECRET)
                .start().awaitHealthy(Duration.ofSeconds(20));
        Workflow flow = new Workflow(bot);
        JdbcAuditLog log = bot.bean(JdbcAuditLog.class);

        GrantId id = flow.request(ALICE, "orders-db:admin 30m orders DB is down, need to restart the replica");
        Message card = flow.card(id);
        flow.click(BOB, card, GrantCard.APPROVE, id);
        flow.awaitState(id, GrantState.ACTIVE);
        assertEquals(List.of(), posted(), "no checkpoint while the grant is open");

        bot.deliver().slashCommand(ALICE, "C0GENERAL", "revoke " + id + " fixed it");
        flow.awaitState(id, GrantState.REVOKED);
        RunningBot.await(Workflow.WAIT, () -> !posted().isEmpty(), () -> "no checkpoint in " + AUDIT_CHANNEL);
        Checkpoint checkpoint = posted().get(0);
        long revokedAt = log.forGrant(id.value()).stream().filter(e -> e.type().equals("Revoked")).findFirst()
                .orElseThrow().seq();
        assertTrue(checkpoint.seq() >= revokedAt, "the checkpoint covers the closing entry");
        assertTrue(bot.slack().messages("C0MGMT").stream().noneMatch(m -> m.text().contains(Checkpoint.PREFIX)),
                "with a security channel, the notify channels are not flooded");

        RunningBot.await(Workflow.WAIT, () -> siem.received().stream().anyMatch(b -> b.contains("\"checkpoint\"")),
                () -> "the SIEM got " + siem.received().size() + " posts but no checkpoint");
        JsonNode atSiem = new ObjectMapper().readTree(siem.received().stream()
                .filter(b -> b.contains("\"checkpoint\"")).findFirst().orElseThrow());
        assertEquals(checkpoint.line(), atSiem.get("checkpoint").asText());
        assertEquals(Optional.empty(), log.verify(checkpoint));

        // The bot stops (nothing appends any more); a database admin removes the revocation from the record and
        // makes the head agree.
        dev.breakglass.bot.config.AuditKey key = bot.bean(dev.breakglass.bot.config.AuditKey.class);
        bot.close();
        bot = null;
        log = new JdbcAuditLog(db.dataSource(), key);
        long keep = revokedAt - 1;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit_outbox");
            s.execute("DELETE FROM audit_log WHERE seq > " + keep);
            s.execute("UPDATE audit_head SET seq = " + keep + ", checkpoint_seq = 0, hash = (SELECT hash FROM audit_log"
                    + " WHERE seq = " + keep + ") WHERE id = 1");
        }
        assertEquals(Optional.empty(), log.verify(), "without the checkpoint the cut does not show");
        AuditChain.Break broken = log.verify(checkpoint).orElseThrow();
        assertTrue(broken.problem().contains("entries at the end were removed"), broken.toString());
    }
}

package dev.breakglass.bot.testing;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.Checkpoint;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.bot.events.JdbcEventOutbox;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.NotifyTarget;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the crash and chaos ITs check once the bot processes are done: every stored event of some grants has its
 * audit entry exactly once, in the grant's order, and its notify line exactly once in each notify channel (a message
 * may hold several lines); the audit chain (keyed with {@link ClusterEnv#AUDIT_KEY}) verifies.
 */
public final class ToldOnce {
    /** The notify channels of {@link Workflow#policy}. */
    public static final List<String> NOTIFY_CHANNELS = List.of("C0SECURITY", "C0MGMT");

    private ToldOnce() {
    }

    /** The audit log of a test cluster's database. */
    public static JdbcAuditLog auditLog(TestDatabase db) {
        return new JdbcAuditLog(db.dataSource(), AuditKey.of(ClusterEnv.AUDIT_KEY));
    }

    /** The grant's audit entries that record its events (not the adapter calls, audited as they happen). */
    public static List<String> eventEntries(JdbcAuditLog log, GrantId id) {
        return log.forGrant(id.value()).stream().map(AuditEntry::type).filter(t -> !t.equals("TargetCall")).toList();
    }

    /**
     * Waits (at most {@code within}) until the outbox is empty, then asserts that each event of {@code ids} was
     * audited once and in order, that the chain verifies, and that each notify channel of {@link Workflow#policy}
     * got each notify line once and no line twice. The grants must be all the grants the channels heard of.
     */
    public static void assertEachEventToldOnce(TestDatabase db, SlackEmulator slack, List<GrantId> ids,
                                               Duration within) {
        JdbcEventOutbox outbox = new JdbcEventOutbox(db.dataSource(),
                new EventRoutes(TestDatabase.policyNotifying(List.of())), Clock.systemUTC());
        RunningBot.await(within, () -> outbox.pending().isEmpty(),
                () -> "deliveries still pending: " + outbox.pending());
        JdbcAuditLog log = auditLog(db);
        int notifiable = 0;
        for (GrantId id : ids) {
            List<GrantEvent> events = outbox.eventsOf(id);
            assertEquals(events.stream().map(e -> e.getClass().getSimpleName()).toList(), eventEntries(log, id),
                    id + ": each event audited once, in order");
            notifiable += (int) events.stream().filter(e -> NotifyTarget.Event.of(e).isPresent()).count();
        }
        assertEquals(Optional.empty(), log.verify(), "the chain verifies");
        for (String channel : NOTIFY_CHANNELS) {
            // The signed audit checkpoints also go to the notify channels here (the policy has no security channel).
            // A channel that was behind heard several lines in one message (NotifyChannels): lines are counted.
            List<String> lines = slack.messages(channel).stream().map(Message::text)
                    .filter(text -> !text.contains(Checkpoint.PREFIX)).flatMap(text -> text.lines()).toList();
            assertEquals(lines.size(), lines.stream().distinct().count(), channel + ": no line twice");
            assertEquals(notifiable, lines.size(), channel + ": every notify line");
        }
    }
}

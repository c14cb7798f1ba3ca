package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule: a checkpoint when the log grew, none when it did not, again after a witness failed. */
class AuditCheckpointsTest {
    private final TestDatabase db = TestDatabase.h2();
    private final JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), AuditKey.random());
    private final List<Checkpoint> kept = new CopyOnWriteArrayList<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final CheckpointWitness witness = c -> {
        if (down.get()) {
            throw new IllegalStateException("the channel is away");
        }
        return kept.add(c);
    };
    private AuditCheckpoints checkpoints;

    @AfterEach
    void close() {
        if (checkpoints != null) {
            checkpoints.close();
        }
        db.close();
    }

    @Test
    void onScheduleOnlyWhenTheLogGrewAndAgainAfterAFailure() throws Exception {
        checkpoints = new AuditCheckpoints(log, List.of(witness), Clock.systemUTC(), Duration.ofMillis(50));
        Thread.sleep(200);
        assertEquals(List.of(), kept, "an empty log has nothing to vouch for");

        log.append(Instant.now(), 7, "Requested", "U0ALICE", Map.of());
        RunningBot.await(Duration.ofSeconds(10), () -> kept.size() == 1, () -> "kept " + kept);
        Thread.sleep(200);
        assertEquals(1, kept.size(), "the head did not move: nothing new to publish");

        down.set(true);
        log.append(Instant.now(), 7, "Approved", "U0BOB", Map.of());
        Thread.sleep(200);
        down.set(false);
        RunningBot.await(Duration.ofSeconds(10), () -> kept.size() == 2, () -> "kept " + kept);
        assertEquals(2, kept.get(1).seq());
        assertEquals(2, log.lastCheckpoint());
        assertTrue(log.verify(kept.get(1)).isEmpty());
    }

    @Test
    void aWitnessThatIsNotConfiguredDoesNotCountAsPublished() {
        checkpoints = new AuditCheckpoints(log, List.of(c -> false), Clock.systemUTC(), Duration.ofHours(1));
        log.append(Instant.now(), 7, "Requested", "U0ALICE", Map.of());
        assertTrue(checkpoints.publish().isEmpty());
        assertEquals(0, log.lastCheckpoint());
    }
}

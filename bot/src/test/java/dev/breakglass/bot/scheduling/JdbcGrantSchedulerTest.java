package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantScheduler.Due;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Due times follow the application's clock, stored by the machine's: a test that moves the application clock an hour
 * ahead still gets a timer ten minutes after the machine's now, and a time in the past is due at once.
 */
class JdbcGrantSchedulerTest {
    private final Instant machineNow = Instant.parse("2026-12-03T12:00:00Z");
    private final Clock machine = Clock.fixed(machineNow, ZoneOffset.UTC);
    private final Clock application = Clock.offset(machine, Duration.ofHours(1));
    private final TestDatabase db = TestDatabase.h2();
    private final JdbcTimerStore store = new JdbcTimerStore(db.dataSource());
    private final GrantWork work = new GrantWork(1);
    private final TimerPoller poller = new TimerPoller(store, () -> null, work, Duration.ofHours(1),
            Duration.ofMinutes(2), 1, "test", machine);
    private final JdbcGrantScheduler scheduler = new JdbcGrantScheduler(store, poller, application, machine);

    @AfterEach
    void tearDown() throws InterruptedException {
        work.stop();
        db.close();
    }

    @Test
    void aDueTimeIsADelayFromTheApplicationsNowStartedFromTheMachines() {
        scheduler.schedule(new GrantId(7), Due.EXPIRE, application.instant().plus(Duration.ofMinutes(10)));

        assertEquals(machineNow.plus(Duration.ofMinutes(10)), store.find(new GrantId(7), Due.EXPIRE).orElseThrow().dueAt());
    }

    @Test
    void aTimeInThePastIsDueNow() {
        scheduler.schedule(new GrantId(7), Due.PROVISION, application.instant().minus(Duration.ofMinutes(3)));

        assertEquals(machineNow, store.find(new GrantId(7), Due.PROVISION).orElseThrow().dueAt());
    }
}

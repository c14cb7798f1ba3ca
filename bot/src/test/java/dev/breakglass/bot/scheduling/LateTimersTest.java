package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.listeners.TriggerListenerSupport;
import org.quartz.impl.matchers.KeyMatcher;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Quartz job (the sweeper, the activity poll) that is late (its due time passed while the scheduler was busy or away) is taken in its turn with its own
 * due time, as long as it is less than {@link QuartzFactory#MISFIRE_THRESHOLD} late: not handed to Quartz's misfire
 * handler, which re-times timers 20 at a time and made a backlog of hundreds of due timers (LoadAndChaosIT) grow
 * instead of shrink. With the former 5 s threshold this timer, 20 s late, fired as a misfire, re-timed to "now".
 */
class LateTimersTest {
    private RunningBot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
    }

    @Test
    void aTimerTwentySecondsLateFiresInItsTurnWithItsOwnDueTime() throws Exception {
        bot = RunningBot.overHttp().awaitHealthy(Duration.ofSeconds(30));
        Scheduler scheduler = bot.bean(Scheduler.class);
        TriggerKey key = new TriggerKey("late", "maintenance");
        CompletableFuture<Date> firedAs = new CompletableFuture<>();
        scheduler.getListenerManager().addTriggerListener(new TriggerListenerSupport() {
            @Override
            public String getName() {
                return "late-timer";
            }

            @Override
            public void triggerFired(Trigger trigger, JobExecutionContext context) {
                firedAs.complete(context.getScheduledFireTime());
            }
        }, KeyMatcher.keyEquals(key));
        Date due = new Date(System.currentTimeMillis() - 20_000);
        // The sweeper's job (harmless to run once more), due 20 s ago, with a fire-now misfire instruction.
        scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(new JobKey("sweep", "maintenance"))
                .startAt(due).withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withMisfireHandlingInstructionFireNow()).build());

        assertEquals(due, firedAs.get(30, TimeUnit.SECONDS), "fired with its own due time, not re-timed as a misfire");
    }
}

package dev.breakglass.bot.slack.inbound;


import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work after the acknowledgement: off the caller's thread, and a failure still reaches the person clearly. */
class AfterAckTest {
    private final AfterAck later = new AfterAck(new CommandReplies(new Templates(Optional.empty(), List.of()), dev.breakglass.bot.slack.render.EmergencyKinds.NONE));
    private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(AfterAck.THREADS + AfterAck.QUEUED + 10);

    @AfterEach
    void close() throws InterruptedException {
        later.close();
    }

    @Test
    void theWorkRunsOnAnotherThreadAndItsAnswerIsSent() throws InterruptedException {
        Thread caller = Thread.currentThread();
        CountDownLatch release = new CountDownLatch(1);
        later.run(Optional.empty(), answers::add, () -> {
            await(release);
            return Thread.currentThread() == caller ? "on the caller's thread" : "done";
        });
        assertEquals(null, answers.poll(), "run returns before the work is done");
        release.countDown();
        assertEquals("done", answers.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anExceptionBecomesAClearMessageWithoutItsText() throws InterruptedException {
        later.run(Optional.of(new GrantId(7)), answers::add, () -> {
            throw new IllegalStateException("connection to 10.0.0.5 refused, password=hunter2");
        });
        String answer = answers.poll(10, TimeUnit.SECONDS);
        assertEquals("Something went wrong on the bot's side with BG-7, so it may not have finished. Check with "
                + "`/breakglass status BG-7`, then try again.", answer);
    }

    @Test
    void beyondThePoolTheBusyAnswerComesAtOnce() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < AfterAck.THREADS + AfterAck.QUEUED; i++) {
            later.run(Optional.empty(), answers::add, () -> {
                await(release);
                return "done";
            });
        }
        later.run(Optional.empty(), answers::add, () -> "not run");
        String busy = answers.poll(1, TimeUnit.SECONDS);
        assertTrue(busy != null && busy.startsWith("The bot is too busy"), String.valueOf(busy));
        release.countDown();
        for (int i = 0; i < AfterAck.THREADS + AfterAck.QUEUED; i++) {
            assertNotEquals("not run", answers.poll(10, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

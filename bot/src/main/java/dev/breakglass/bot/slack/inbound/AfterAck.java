package dev.breakglass.bot.slack.inbound;

import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.grant.GrantId;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs what a command or click asks for after Slack has its acknowledgement: the handler hands the work here and
 * acks at once, and the answer reaches the person later, where they asked (response URL, or a direct message
 * for clicks in App Home). A use case may call a target (revoke, verify, rotate), which can take as long as the
 * target's own timeout; Slack drops an acknowledgement after 3 seconds and shows the person an error, so no such
 * call may run on Bolt's request thread, over HTTP or Socket Mode alike.
 *
 * <p>Edge cases: the work runs on a bounded pool ({@link #THREADS} at once, {@link #QUEUED} waiting); beyond that
 * the person is told at once that the bot is busy and nothing was done. An exception from the work is logged and
 * becomes a clear message (it may not have finished, how to check) instead of silence; the exception's own text
 * never reaches Slack, since it may carry what a target said. A failing answer is logged by whoever sends it.
 * On shutdown, work already started may finish for a few seconds; the use cases are idempotent and the sweeper
 * catches a revocation cut short.
 */
@Singleton
public class AfterAck {
    /** Work running at once; more waits in the queue. */
    static final int THREADS = 16;
    /** Work waiting beyond the running threads before new work is refused. */
    static final int QUEUED = 500;
    private static final Logger LOG = LoggerFactory.getLogger(AfterAck.class);

    private final ThreadPoolExecutor pool;

    private final CommandReplies replies;

    public AfterAck(CommandReplies replies) {
        this.replies = replies;
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED), r -> {
            Thread t = new Thread(r, "slack-after-ack-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Where the answer goes: the person who asked, as mrkdwn. */
    @FunctionalInterface
    interface Answer {
        void send(String mrkdwn);
    }

    /** The bot's own answers, for handlers that answer through this (the same wording as its busy and failed). */
    CommandReplies replies() {
        return replies;
    }

    /**
     * Runs {@code work} off the caller's thread and sends its answer (mrkdwn) to the person. Returns at once.
     *
     * @param about the grant the work is about, for the message when it fails
     */
    void run(Optional<GrantId> about, Answer answer, Supplier<String> work) {
        try {
            pool.execute(() -> {
                String text;
                try {
                    text = work.get();
                } catch (RuntimeException e) {
                    LOG.error("Work after the acknowledgement{} failed", about.map(id -> " on " + id).orElse(""), e);
                    text = replies.failed(about);
                }
                answer.send(text);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Refused work after the acknowledgement{}: {} running, {} waiting",
                    about.map(id -> " on " + id).orElse(""), pool.getActiveCount(), pool.getQueue().size());
            answer.send(replies.busy());
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}

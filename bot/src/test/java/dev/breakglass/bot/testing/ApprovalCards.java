package dev.breakglass.bot.testing;

import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.SlackEmulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Follows the approvals channel with one reader and hands out each grant's request card by id ("BG-7"), so finding
 * a card costs the same with 10,000 grants as with ten. The card handed out is the message as first posted: its
 * channel and ts stay the card's through every {@code chat.update}, which is all a click needs.
 *
 * <p>Edge case: replies in a card's thread (the post-mortem) are not cards and are skipped.
 */
public final class ApprovalCards implements AutoCloseable {
    private final Map<String, CompletableFuture<Message>> byId = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile BiConsumer<String, Message> onCard = (id, card) -> {
    };

    public ApprovalCards(SlackEmulator slack) {
        reader = Thread.ofPlatform().daemon().name("card-reader").start(() -> {
            int seen = 0;
            while (!Thread.currentThread().isInterrupted()) {
                List<Message> fresh = slack.messagesFrom(Workflow.APPROVALS, seen);
                seen += fresh.size();
                for (Message m : fresh) {
                    String header = m.blocks() == null ? "" : m.blocks().path(0).path("text").path("text").asText();
                    int at = header.lastIndexOf(" BG-");
                    if (m.threadTs() == null && at >= 0) {
                        String id = header.substring(at + 1);
                        if (future(id).complete(m)) {
                            onCard.accept(id, m);
                        }
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * From now on, tells {@code listener} of every new card (grant id, the card) as it is posted, on the reader's
     * thread: keep it short.
     */
    public void onCard(BiConsumer<String, Message> listener) {
        onCard = listener;
    }

    private CompletableFuture<Message> future(String id) {
        return byId.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /**
     * The card of grant {@code id}, waiting for it at most {@code within}.
     *
     * @throws IllegalStateException when it was not posted in time
     */
    public Message await(String id, Duration within) {
        try {
            return future(id).get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no card for " + id + " within " + within);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        reader.interrupt();
    }
}

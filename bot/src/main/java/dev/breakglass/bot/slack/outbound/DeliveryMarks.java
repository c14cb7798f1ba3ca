package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.model.Message;
import dev.breakglass.bot.events.EventConsumer.Delivery;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a repeated delivery from posting a message twice. Every message the outbox's consumers post carries message
 * metadata naming its delivery ({@value #EVENT_TYPE}, {@code delivery} = {@link Delivery#mark()}); when a delivery is
 * {@link Delivery#repeated() repeated} (the process died between Slack's answer and the outbox's commit), the
 * conversation's history since the event is searched for that mark first.
 *
 * <p>Edge cases: a conversation the bot cannot read (no {@code channels:history}/{@code groups:history}/
 * {@code im:history} scope, or not a member) answers an error: then the message is posted again, as at-least-once
 * delivery allows, and the reason is logged. Only the newest 200 messages since the event are searched (in a
 * thread, the first 200 replies since then: the activity feed's own repeats).
 */
@Singleton
public class DeliveryMarks {
    static final String EVENT_TYPE = "breakglass_delivery";
    /** The payload key listing the events a message said after its own delivery's. */
    static final String ALONG = "along";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryMarks.class);
    private static final int SEARCHED = 200;
    /** How far Slack's clock may be behind ours: the search starts this long before the event. */
    private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(10);

    private final MethodsClient slack;

    public DeliveryMarks(MethodsClient slack) {
        this.slack = slack;
    }

    /** The metadata that names {@code delivery} on the message it posts. */
    static Message.Metadata of(Delivery delivery) {
        return of(delivery.mark());
    }

    /**
     * The metadata of a message that says {@code delivery} and, after it, the events {@code along} of the same lane
     * ({@code along} = their ids, comma-separated): a repeat of {@code delivery} that finds it knows they were said.
     */
    static Message.Metadata of(Delivery delivery, List<Delivery> along) {
        if (along.isEmpty()) {
            return of(delivery);
        }
        return new Message.Metadata(EVENT_TYPE, Map.of("delivery", delivery.mark(), ALONG,
                along.stream().map(d -> Long.toString(d.id())).collect(java.util.stream.Collectors.joining(","))));
    }

    /** The event ids a message said after its own delivery's ({@link #of(Delivery, List)}); none for most. */
    static List<Long> along(Message message) {
        Object ids = message.getMetadata() == null || message.getMetadata().getEventPayload() == null ? null
                : message.getMetadata().getEventPayload().get(ALONG);
        if (ids == null || ids.toString().isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(ids.toString().split(",")).map(String::trim).map(Long::valueOf).toList();
    }

    /** The metadata that names a message by {@code mark} (a delivery's, or the activity feed's). */
    static Message.Metadata of(String mark) {
        return new Message.Metadata(EVENT_TYPE, Map.of("delivery", mark));
    }

    /**
     * The ts of the message an earlier attempt of {@code delivery} posted in {@code conversation}, when it is there;
     * always empty for a first attempt.
     *
     * @param conversation a channel id, or a user id for the direct message with that user
     */
    Optional<String> postedBefore(String conversation, Delivery delivery) {
        return messageBefore(conversation, delivery).map(Message::getTs);
    }

    /** The message an earlier attempt of {@code delivery} posted in {@code conversation}, as {@link #postedBefore}. */
    Optional<Message> messageBefore(String conversation, Delivery delivery) {
        if (!delivery.repeated()) {
            return Optional.empty();
        }
        return marked(conversation, Optional.empty(), delivery.mark(), delivery.recordedAt());
    }

    /**
     * The ts of a message marked {@code mark} posted in {@code conversation} (in the thread under {@code thread},
     * read with {@code conversations.replies}, when given) since about {@code since}; empty when there is none or
     * the conversation cannot be read.
     */
    Optional<String> postedBefore(String conversation, Optional<String> thread, String mark, java.time.Instant since) {
        return marked(conversation, thread, mark, since).map(Message::getTs);
    }

    private Optional<Message> marked(String conversation, Optional<String> thread, String mark,
                                     java.time.Instant since) {
        try {
            String channel = conversation;
            if (conversation.startsWith("U") || conversation.startsWith("W")) {
                var open = patiently(() -> slack.conversationsOpen(b -> b.users(java.util.List.of(conversation))));
                if (!open.isOk()) {
                    LOG.warn("Cannot look for an earlier copy of delivery {}: {}", mark, open.getError());
                    return Optional.empty();
                }
                channel = open.getChannel().getId();
            }
            String in = channel;
            String oldest = String.format("%d.000000", since.minus(CLOCK_SKEW).getEpochSecond());
            java.util.List<Message> messages;
            String error;
            if (thread.isPresent()) {
                var replies = patiently(() -> slack.conversationsReplies(b -> b.channel(in).ts(thread.get())
                        .oldest(oldest).limit(SEARCHED).includeAllMetadata(true)));
                messages = replies.getMessages();
                error = replies.isOk() ? null : replies.getError();
            } else {
                var history = patiently(() -> slack.conversationsHistory(b -> b.channel(in).oldest(oldest)
                        .limit(SEARCHED).includeAllMetadata(true)));
                messages = history.getMessages();
                error = history.isOk() ? null : history.getError();
            }
            if (error != null) {
                LOG.warn("Cannot look for an earlier copy of delivery {} in {}: {}", mark, in, error);
                return Optional.empty();
            }
            return messages.stream().filter(m -> m.getMetadata() != null
                            && EVENT_TYPE.equals(m.getMetadata().getEventType())
                            && m.getMetadata().getEventPayload() != null
                            && mark.equals(String.valueOf(m.getMetadata().getEventPayload().get("delivery"))))
                    .findFirst();
        } catch (Exception e) {
            LOG.warn("Cannot look for an earlier copy of delivery {}: {}", mark, e.toString());
            return Optional.empty();
        }
    }
}

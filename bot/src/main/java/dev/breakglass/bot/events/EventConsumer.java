package dev.breakglass.bot.events;

import dev.breakglass.event.GrantEvent;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;

/**
 * One audience of grant events (the audit log, the approval card, the requester, the notify channels, App Home,
 * metrics), fed by the {@link EventRelay} from the outbox. A consumer sees each event once per lane it is routed to
 * ({@link EventRoutes}), in order per lane, and is told of the next only after this one was delivered.
 *
 * <p>Exactly once: the relay deletes the delivery in the transaction of {@code connection}, so work a consumer does
 * in that transaction (the audit append) happens exactly once. Work outside it (a Slack call) is attempted again when
 * the process died between the call and the commit; a consumer that {@link #reachesOut()} is told so
 * ({@link Delivery#repeated()}) and looks for what the first attempt left (the message carrying
 * {@link Delivery#mark()}) before sending again.
 */
public interface EventConsumer {

    /** The consumer's name in {@link EventRoutes} and in the outbox's rows; fixed, as rows outlive a release. */
    String name();

    /**
     * Delivers one event.
     *
     * @param delivery   the event, the lane it came in and when it was stored
     * @param connection the relay's open transaction, committed only when this returns
     * @throws NotYet    when the event cannot be delivered yet (waiting for another lane); tried again later,
     *                   not counted as a failure
     * @throws Exception any failure: the delivery is retried with backoff, and what waits behind it in its lane waits
     */
    void deliver(Delivery delivery, Connection connection) throws Exception;

    /**
     * Whether a delivery reaches outside the database (a Slack call): then the relay marks each attempt before it
     * runs, and a later attempt of the same delivery comes with {@link Delivery#repeated()} set.
     */
    default boolean reachesOut() {
        return false;
    }

    /**
     * Whether a person waits on this consumer's deliveries to act (the approval card, the requester's messages): its
     * lanes are drained by workers of their own, so they never queue behind the audit, notify, Home and metrics
     * lanes of every other grant when the relay is behind.
     */
    default boolean waitedOn() {
        return false;
    }

    /** After the delivery's transaction committed: for work that must see it (an audit checkpoint). Must not throw. */
    default void delivered(Delivery delivery) {
    }

    /**
     * One event as the relay hands it over.
     *
     * @param id         the event's id in the outbox (increasing in commit order per grant)
     * @param event      the event, with the grant as its change saved it
     * @param lane       the lane key after the consumer name, e.g. the grant id or a channel id
     * @param recordedAt when the change was saved
     * @param repeated   an earlier attempt of this delivery began and did not finish (the process died, or it
     *                   failed): what it sent outside may have arrived, so look before sending again
     */
    record Delivery(long id, GrantEvent event, String lane, Instant recordedAt, boolean repeated) {
        /** The name of this delivery in what it leaves outside (a Slack message's metadata): event id and lane. */
        public String mark() {
            return id + ":" + lane;
        }
    }

    /**
     * Not yet deliverable: try again after {@code retryIn}, without counting a failure. Thrown only before the
     * delivery sent anything it would not send again the same way (an idempotent card update may go first): the relay
     * then forgets the attempt, so the next one is not a {@link Delivery#repeated() repeat} and does not look for a
     * message that was never posted.
     */
    final class NotYet extends Exception {
        private final transient Duration retryIn;

        public NotYet(String why, Duration retryIn) {
            super(why, null, false, false);
            this.retryIn = retryIn;
        }

        public Duration retryIn() {
            return retryIn;
        }
    }
}

package dev.breakglass.bot.events;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the outbox: a poller finds lanes with due deliveries ({@link JdbcEventOutbox#dueLanes}) right after any
 * local change commits, and every {@code breakglass.events.poll} (default 1 s) for what other replicas stored and
 * for retries; two small pools drain the lanes, each lane on one thread at a time, delivery by delivery in order.
 * The lanes of consumers a person waits on ({@link EventConsumer#waitedOn()}: the approval card, the requester's
 * messages) have their own {@code breakglass.events.workers} threads, and every other lane (audit, notify, Home,
 * metrics) as many again: when the relay is behind, a new request's card does not queue behind the backlog of
 * every other grant's audit entries and notify lines (docs/benchmarks.md, "The relay").
 *
 * <p>Edge cases: at start it refuses to run without a consumer for every route name ({@link EventRoutes#CONSUMERS}),
 * so no delivery can wait for a consumer that does not exist. {@code breakglass.events.hold}
 * ({@code BREAKGLASS_EVENTS_HOLD=true}) stores events but delivers none from this process — for tests that stop a
 * process between a change and its consequences, and for maintenance; another process, or this one restarted
 * without it, delivers them. At shutdown the lanes being drained finish their current delivery (at most about 10 s);
 * whatever is left stays in the outbox for the next start or another replica.
 */
@Context
public class EventRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    private static final int LANES_PER_POLL = 500;

    private final JdbcEventOutbox outbox;
    private final Map<String, EventConsumer> consumers = new HashMap<>();
    private final Duration poll;
    /** Drains the lanes of consumers a person waits on. */
    private final ExecutorService waitedOn;
    /** Drains every other lane. */
    private final ExecutorService background;
    private final Set<String> draining = ConcurrentHashMap.newKeySet();
    private final Thread poller;
    private volatile boolean running = true;

    public EventRelay(JdbcEventOutbox outbox, List<EventConsumer> consumers,
                      @Value("${breakglass.events.poll:1s}") Duration poll,
                      @Value("${breakglass.events.workers:4}") int workers,
                      @Value("${breakglass.events.hold:false}") boolean hold) {
        this.outbox = outbox;
        this.poll = poll;
        for (EventConsumer consumer : consumers) {
            if (this.consumers.put(consumer.name(), consumer) != null) {
                throw new IllegalStateException("two event consumers are named " + consumer.name());
            }
        }
        for (String name : EventRoutes.CONSUMERS) {
            if (!this.consumers.containsKey(name)) {
                throw new IllegalStateException("no event consumer named " + name + ": its deliveries would wait forever");
            }
        }
        this.waitedOn = pool(workers, "event-relay-people");
        this.background = pool(workers, "event-relay");
        this.poller = new Thread(this::pollLoop, "event-relay-poll");
        poller.setDaemon(true);
        if (hold) {
            LOG.warn("BREAKGLASS_EVENTS_HOLD is set: events are stored but this process delivers none");
        } else {
            poller.start();
        }
    }

    private static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The pool that drains {@code lane}: its consumer's name comes before the colon ({@link EventRoutes.Route}). */
    private ExecutorService poolOf(String lane) {
        EventConsumer consumer = consumers.get(EventRoutes.Route.ofLane(lane).consumer());
        return consumer != null && consumer.waitedOn() ? waitedOn : background;
    }

    private void pollLoop() {
        while (running) {
            long seen = outbox.appendCount();
            try {
                for (String lane : outbox.dueLanes(LANES_PER_POLL)) {
                    if (draining.add(lane)) {
                        try {
                            poolOf(lane).execute(() -> drain(lane));
                        } catch (RejectedExecutionException stopping) {
                            draining.remove(lane);
                            return;
                        }
                    }
                }
            } catch (Exception e) {
                // The database may be briefly away; nothing is lost, the next poll tries again.
                LOG.warn("could not read the event outbox: {}", e.toString());
            }
            try {
                outbox.awaitAppend(seen, poll);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Delivers the lane's due deliveries in order until it is empty, waits, or belongs to another replica. */
    private void drain(String lane) {
        long seen = outbox.appendCount();
        try {
            while (running && outbox.deliverNext(lane, handler, this::delivered, this::failed)
                    == JdbcEventOutbox.Result.DELIVERED) {
                // next one
            }
        } catch (Exception e) {
            LOG.warn("could not deliver from lane {}: {}", lane, e.toString());
        } finally {
            draining.remove(lane);
            if (outbox.appendCount() != seen) {
                outbox.committed(); // what arrived while this lane drained must not wait for the next poll
            }
        }
    }

    private final JdbcEventOutbox.Handler handler = new JdbcEventOutbox.Handler() {
        @Override
        public void handle(String consumer, EventConsumer.Delivery delivery, java.sql.Connection c) throws Exception {
            EventRelay.this.handle(consumer, delivery, c);
        }

        @Override
        public boolean reachesOut(String consumer) {
            return EventRelay.this.reachesOut(consumer);
        }
    };

    private void handle(String consumer, EventConsumer.Delivery delivery, java.sql.Connection c) throws Exception {
        EventConsumer target = consumers.get(consumer);
        if (target == null) {
            throw new IllegalStateException("no event consumer named " + consumer);
        }
        target.deliver(delivery, c);
    }

    private boolean reachesOut(String consumer) {
        EventConsumer target = consumers.get(consumer);
        return target != null && target.reachesOut();
    }

    private void delivered(String consumer, EventConsumer.Delivery delivery) {
        try {
            consumers.get(consumer).delivered(delivery);
        } catch (RuntimeException e) {
            LOG.warn("{} failed after delivering event {}: {}", consumer, delivery.id(), e.toString());
        }
    }

    private void failed(String lane, Exception e) {
        LOG.error("Delivery in lane {} failed, will retry: {}", lane, e.toString());
    }

    @PreDestroy
    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.interrupt();
        waitedOn.shutdown();
        background.shutdown();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        waitedOn.awaitTermination(10, TimeUnit.SECONDS);
        background.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}

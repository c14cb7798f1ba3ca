package dev.breakglass.bot.events;

import dev.breakglass.bot.persistence.JdbcGrantStore;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.policy.NotifyTarget;
import dev.breakglass.policy.Policy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the outbox must do on every database: a change and its events commit together or not at all; the relay
 * delivers each delivery once, in order per lane, retries a failing one while its lane waits and other lanes go on,
 * and several relays on one database share the work without delivering anything twice.
 */
abstract class EventOutboxContract {
    private static final String WHY = "orders replica is down, restoring";
    private static final Policy POLICY = TestDatabase.policyNotifying(List.of(NotifyTarget.all("C0SECURITY"),
            NotifyTarget.only("C0MGMT", EnumSet.of(NotifyTarget.Event.APPROVED))));

    private TestDatabase db;
    private JdbcEventOutbox outbox;
    private JdbcGrantStore store;
    private final List<EventRelay> relays = new ArrayList<>();

    protected abstract TestDatabase openDatabase();

    @BeforeEach
    void open() {
        db = openDatabase();
        outbox = newOutbox();
        store = new JdbcGrantStore(db.dataSource(), outbox);
    }

    private JdbcEventOutbox newOutbox() {
        return new JdbcEventOutbox(db.dataSource(), new EventRoutes(POLICY), Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        for (EventRelay relay : relays) {
            relay.close();
        }
        db.close();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Now, as precisely as every database keeps it. */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private Grant request() {
        return store.create(new NewGrant("U0ALICE", "orders-db", Optional.empty(), Duration.ofMinutes(30), WHY,
                Optional.empty(), 1, now()), g -> List.of(new GrantEvent.Requested(g, Actor.person(g.requester()))));
    }

    /** Records what it is given, per lane, and fails the first {@code failures} deliveries it is handed that match. */
    static final class Recording implements EventConsumer {
        final String name;
        final Map<String, List<Long>> byLane = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        volatile Predicate<Delivery> failWhen = d -> false;
        /** When set, every delivery waits for it first: a consumer stuck on a slow Slack. */
        volatile java.util.concurrent.CountDownLatch hold;
        volatile boolean waited;
        /** Whether it reaches outside (then its attempts are marked), and how often it postpones first. */
        volatile boolean reaches;
        final AtomicInteger postpones = new AtomicInteger();
        /** {@link Delivery#repeated()} of every attempt, in order. */
        final List<Boolean> repeats = Collections.synchronizedList(new ArrayList<>());

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean waitedOn() {
            return waited;
        }

        @Override
        public boolean reachesOut() {
            return reaches;
        }

        @Override
        public void deliver(Delivery delivery, Connection connection) throws InterruptedException, NotYet {
            if (hold != null) {
                hold.await();
            }
            calls.incrementAndGet();
            repeats.add(delivery.repeated());
            if (postpones.getAndDecrement() > 0) {
                throw new NotYet("waiting for another lane", Duration.ofMillis(50));
            }
            if (failWhen.test(delivery) && failures.getAndDecrement() > 0) {
                throw new IllegalStateException("slack_unavailable");
            }
            byLane.computeIfAbsent(delivery.lane(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(delivery.id());
        }

        int delivered() {
            return byLane.values().stream().mapToInt(List::size).sum();
        }
    }

    private Map<String, Recording> relay() {
        Map<String, Recording> consumers = new HashMap<>();
        for (String name : EventRoutes.CONSUMERS) {
            consumers.put(name, new Recording(name));
        }
        return relay(consumers);
    }

    /** Starts a relay (on its own outbox object, as another replica would have) feeding these consumers. */
    private Map<String, Recording> relay(Map<String, Recording> consumers) {
        relays.add(new EventRelay(relays.isEmpty() ? outbox : newOutbox(), List.copyOf(consumers.values()),
                Duration.ofMillis(100), 4, false));
        return consumers;
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier done, String what)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aChangeStoresItsEventsAndADeliveryPerConsumerAndLaneInTheSameTransaction() throws Exception {
        Grant g = request();
        assertEquals(1, count("SELECT COUNT(*) FROM grant_events WHERE grant_id = " + g.id().value()));
        // audit, card, requester, home, metrics per grant; the requested kind goes to C0SECURITY, not C0MGMT.
        assertEquals(6, count("SELECT COUNT(*) FROM event_deliveries"));
        assertEquals(1, count("SELECT COUNT(*) FROM event_deliveries WHERE lane = 'notify:C0SECURITY'"));

        Grant approved = store.update(g.approvedBy("U0BOB", now()),
                saved -> List.of(new GrantEvent.Approved(saved, "U0BOB"))).orElseThrow();
        assertEquals(1, count("SELECT COUNT(*) FROM event_deliveries WHERE lane = 'notify:C0MGMT'"));
        assertEquals(2, count("SELECT COUNT(*) FROM grant_events"));

        assertEquals(Optional.empty(), store.update(g.approvedBy("U0CAROL", now()),
                saved -> List.of(new GrantEvent.Approved(saved, "U0CAROL"))), "a lost race stores nothing");
        assertEquals(2, count("SELECT COUNT(*) FROM grant_events"));

        assertThrows(IllegalStateException.class, () -> store.update(approved.cancelled(now()), saved -> {
            throw new IllegalStateException("the events could not be made");
        }));
        assertEquals(approved, store.find(g.id()).orElseThrow(), "no events, no change");
        assertEquals(2, count("SELECT COUNT(*) FROM grant_events"));
    }

    @Test
    void anEventThatHappensOncePerGrantIsStoredOnce() throws Exception {
        Grant g = request();
        assertTrue(store.record(new GrantEvent.EmergencyOffered(g), true));
        assertFalse(store.record(new GrantEvent.EmergencyOffered(g), true), "a timer fired again after a crash");
        assertTrue(store.record(new GrantEvent.CredentialsRevealed(g, "U0ALICE", now(), 1), false));
        assertTrue(store.record(new GrantEvent.CredentialsRevealed(g, "U0ALICE", now(), 0), false));
        assertEquals(4, count("SELECT COUNT(*) FROM grant_events"));
    }

    @Test
    void theRelayDeliversEachOnceInOrderAndAFailureHoldsOnlyItsOwnLane() throws Exception {
        Grant first = request();
        Grant second = request();
        Map<String, Recording> consumers = relay();
        Recording card = consumers.get(EventRoutes.CARD);
        card.failures.set(2);
        card.failWhen = d -> d.event().grant().id().equals(first.id()) && d.event() instanceof GrantEvent.Approved;
        store.update(first.approvedBy("U0BOB", now()), s -> List.of(new GrantEvent.Approved(s, "U0BOB")))
                .flatMap(s -> store.update(s.provisioningStarted(now(), now().plusSeconds(120)),
                            c -> List.of(new GrantEvent.ProvisioningFailed(c, "unreachable"))));
        store.update(second.cancelled(now()), s -> List.of(new GrantEvent.Cancelled(s, Actor.person(s.requester()))));

        await(Duration.ofSeconds(5), () -> card.byLane.getOrDefault(key(second.id()), List.of()).size() == 2,
                "the other grant's lane goes on");
        assertEquals(1, card.byLane.get(key(first.id())).size(), "the cancellation waits behind the failed approval");
        await(Duration.ofSeconds(15), () -> card.byLane.get(key(first.id())).size() == 3, "retried with backoff");
        awaitAllDelivered(Duration.ofSeconds(5), "everything delivered");
        List<Long> lane = card.byLane.get(key(first.id()));
        assertEquals(lane.stream().sorted().toList(), lane, "in order");
        assertEquals(3, consumers.get(EventRoutes.AUDIT).byLane.get(key(first.id())).size(), "audit did not wait");
        assertEquals(7, card.calls.get(), "5 deliveries and 2 failed attempts, nothing twice");
        assertEquals(1, consumers.get(EventRoutes.NOTIFY).byLane.get("C0MGMT").size(), "approved only");
        assertEquals(5, consumers.get(EventRoutes.NOTIFY).byLane.get("C0SECURITY").size());
    }

    @Test
    void aPostponedAttemptIsNoRepeatAndAFailedOneIs() throws Exception {
        Map<String, Recording> consumers = new HashMap<>();
        for (String name : EventRoutes.CONSUMERS) {
            consumers.put(name, new Recording(name));
        }
        Recording card = consumers.get(EventRoutes.CARD);
        card.reaches = true;
        card.postpones.set(2);
        Grant g = request();
        relay(consumers);
        await(Duration.ofSeconds(5), () -> card.delivered() == 1, "delivered after two postponements");
        assertEquals(List.of(false, false, false), card.repeats, "a postponement sent nothing: no repeat to look for");

        card.failures.set(1);
        card.failWhen = d -> d.event() instanceof GrantEvent.Cancelled;
        store.update(g.cancelled(now()), s -> List.of(new GrantEvent.Cancelled(s, Actor.person(s.requester()))));
        await(Duration.ofSeconds(10), () -> card.delivered() == 2, "retried after the failure");
        assertEquals(List.of(false, false, false, false, true), card.repeats,
                "a failure may have sent something: its retry is a repeat");
    }

    @Test
    void lanesPeopleWaitOnGoOnWhileEveryOtherWorkerIsStuck() throws Exception {
        java.util.concurrent.CountDownLatch slackIsSlow = new java.util.concurrent.CountDownLatch(1);
        Map<String, Recording> consumers = new HashMap<>();
        for (String name : EventRoutes.CONSUMERS) {
            Recording r = new Recording(name);
            r.waited = name.equals(EventRoutes.CARD);
            r.hold = r.waited ? null : slackIsSlow;
            consumers.put(name, r);
        }
        relay(consumers); // 4 workers for each side
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            grants.add(request()); // 6 grants: more stuck lanes (audit, requester, notify, Home, metrics) than workers
        }
        Recording card = consumers.get(EventRoutes.CARD);

        await(Duration.ofSeconds(10), () -> grants.stream().allMatch(g -> card.byLane.containsKey(key(g.id()))),
                "every card posted while the other lanes hang");
        assertEquals(0, consumers.get(EventRoutes.AUDIT).delivered(), "the others are still stuck");

        slackIsSlow.countDown();
        awaitAllDelivered(Duration.ofSeconds(10), "everything delivered once the others are free");
    }

    /** Waits until no delivery is left in the outbox. */
    private void awaitAllDelivered(Duration timeout, String what) throws InterruptedException {
        await(timeout, () -> {
            try {
                return count("SELECT COUNT(*) FROM event_deliveries") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, what);
    }

    private static String key(GrantId id) {
        return Long.toString(id.value());
    }

    @Test
    void relaysSharingOneDatabaseDeliverEachDeliveryExactlyOnceInLaneOrder() throws Exception {
        Map<String, Recording> consumers = relay();
        relay(consumers); // a second replica, same audiences: what they record is the order Slack would see
        int grants = 40;
        for (int i = 0; i < grants; i++) {
            Grant g = request();
            store.update(g.approvedBy("U0BOB", now()), s -> List.of(new GrantEvent.Approved(s, "U0BOB")))
                    .flatMap(s -> store.update(s.provisioningStarted(now(), now().plusSeconds(120)),
                            c -> List.of(new GrantEvent.ProvisioningFailed(c, "unreachable"))));
        }
        awaitAllDelivered(Duration.ofSeconds(60), "everything delivered");
        for (String name : EventRoutes.CONSUMERS) {
            for (Map.Entry<String, List<Long>> lane : consumers.get(name).byLane.entrySet()) {
                List<Long> ids = lane.getValue();
                assertEquals(ids.stream().sorted().distinct().toList(), ids,
                        name + " " + lane.getKey() + ": once each, in order");
                if (!name.equals(EventRoutes.NOTIFY)) {
                    assertEquals(3, ids.size(), name + " " + lane.getKey());
                }
            }
            assertEquals(consumers.get(name).delivered(), consumers.get(name).calls.get(), name + " called once each");
        }
        assertEquals(grants * 3, consumers.get(EventRoutes.NOTIFY).byLane.get("C0SECURITY").size());
        assertEquals(grants, consumers.get(EventRoutes.NOTIFY).byLane.get("C0MGMT").size());
    }
}

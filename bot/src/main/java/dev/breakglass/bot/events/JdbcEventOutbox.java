package dev.breakglass.bot.events;

import dev.breakglass.retry.Backoff;
import dev.breakglass.event.GrantEvent;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outbox tables: {@code grant_events} (every event, as JSON, kept as the record of what happened) and
 * {@code event_deliveries} (what each consumer still has to hear, one row per consumer and lane, deleted once
 * delivered). Written inside the transaction of the change that made the event ({@link #append}), read by the
 * {@link EventRelay}.
 *
 * <p>Sharing between replicas: a delivery is taken with {@code SELECT … FOR UPDATE SKIP LOCKED} on its row and
 * runs only when it is the lowest pending row of its lane, so two replicas never run the same delivery and a lane
 * never runs out of order (a replica that finds an earlier row of the lane still taken, or backed off, leaves the
 * lane alone). The row lock lasts until the delivery's transaction ends, so a replica that dies mid-delivery frees
 * it at once, and the delivery is done again.
 *
 * <p>Edge cases: per grant, event ids increase in commit order (a grant's next change waits for the previous one's
 * commit); across grants, two changes committed at the same moment may reach a shared lane (a notify channel) in
 * either order. A delivery that failed waits with backoff ({@link #backoff}), and so does what is behind it in its
 * lane, never what is in other lanes.
 */
@Singleton
public class JdbcEventOutbox {
    /** The longest a failing delivery waits between attempts. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int ERROR_LIMIT = 1000;
    /** Parsed events kept ({@link #parsed}): a few thousand events of a few KB each. */
    static final int PARSED_KEPT = 2048;

    private final DataSource dataSource;
    private final EventRoutes routes;
    private final Clock clock;
    /**
     * When deliveries are due: the machine's clock, not the application's (a test that moves the application clock
     * must not stall or rush the relay), as Quartz fires by the machine's clock.
     */
    private final Clock machine = Clock.systemUTC();
    /**
     * Events read lately, parsed, by id: each event is read once per lane it goes to (seven or so), and parsing it
     * was a tenth of the bot's CPU under load. Safe to keep: an event is never changed once stored, and ids are not
     * reused. Bounded, least recently read dropped first; a miss only parses again.
     */
    private final Map<Long, GrantEvent> parsed = Collections.synchronizedMap(
            new LinkedHashMap<>(PARSED_KEPT * 4 / 3 + 1, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, GrantEvent> eldest) {
                    return size() > PARSED_KEPT;
                }
            });
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private long appendCount;

    public JdbcEventOutbox(DataSource dataSource, EventRoutes routes, Clock clock) {
        this.dataSource = dataSource;
        this.routes = routes;
        this.clock = clock;
    }

    /**
     * Stores {@code events} and their deliveries on {@code c}, inside the caller's transaction; the caller calls
     * {@link #committed} after its commit.
     *
     * @param onceKey when present, the event is not stored if one with this key already is ({@code false} returned)
     */
    public boolean append(Connection c, List<GrantEvent> events, Optional<String> onceKey) throws SQLException {
        Instant now = clock.instant();
        Instant due = machine.instant();
        for (GrantEvent event : events) {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO grant_events (grant_id, kind, body, once_key,"
                    + " recorded_at) VALUES (?, ?, ?, ?, ?)", new String[] {"id"})) {
                ps.setLong(1, event.grant().id().value());
                ps.setString(2, event.getClass().getSimpleName());
                ps.setString(3, EventJson.write(event));
                ps.setString(4, onceKey.orElse(null));
                ps.setObject(5, at(now));
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (onceKey.isPresent() && "23505".equals(e.getSQLState())) {
                        return false;
                    }
                    throw e;
                }
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned no id for a new event");
                    }
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_deliveries (event_id, consumer, lane,"
                    + " attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?)")) {
                for (EventRoutes.Route route : routes.of(event)) {
                    ps.setLong(1, id);
                    ps.setString(2, route.consumer());
                    ps.setString(3, route.lane());
                    ps.setObject(4, at(due));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return true;
    }

    /** Wakes the relay: something was appended and committed. */
    public void committed() {
        lock.lock();
        try {
            appendCount++;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until something is appended after {@code seen} (see {@link #appendCount}) or the timeout passes. */
    void awaitAppend(long seen, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long left = timeout.toNanos();
            while (appendCount == seen && left > 0) {
                left = appended.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    long appendCount() {
        lock.lock();
        try {
            return appendCount;
        } finally {
            lock.unlock();
        }
    }

    /** Lanes whose first pending delivery is due at {@code now}, oldest first, at most {@code limit}. */
    List<String> dueLanes(int limit) throws SQLException {
        List<String> lanes = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT lane FROM event_deliveries GROUP BY lane"
                     + " HAVING MAX(next_attempt_at) <= ? ORDER BY MIN(event_id) FETCH FIRST " + limit + " ROWS ONLY")) {
            ps.setObject(1, at(machine.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lanes.add(rs.getString(1));
                }
            }
        }
        return lanes;
    }

    /** What {@link #deliverNext} did. */
    enum Result {
        /** One delivery made and committed. */
        DELIVERED,
        /** Nothing due in the lane now: empty, backed off, or an earlier delivery is taken by another replica. */
        IDLE,
        /** The delivery failed or was postponed; it waits, and the lane with it. */
        WAITING
    }

    /** How a delivery is made: the relay's side. */
    interface Handler {
        void handle(String consumer, EventConsumer.Delivery delivery, Connection c) throws Exception;

        /** Whether the consumer reaches outside the database, so its attempts are marked first. */
        boolean reachesOut(String consumer);
    }

    /**
     * Takes the lane's first pending delivery, if it is due and nobody holds it, and hands it to {@code handler}
     * in a transaction that also deletes it.
     *
     * @param done called after the commit with the delivery made
     */
    Result deliverNext(String lane, Handler handler, java.util.function.BiConsumer<String, EventConsumer.Delivery> done,
                       java.util.function.BiConsumer<String, Exception> failed) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long eventId;
            String consumer;
            int attempts;
            try {
                // The lane's first delivery nobody holds, and the lane's first of all: one trip to the database.
                try (PreparedStatement ps = c.prepareStatement("SELECT d.event_id, d.consumer, d.attempts,"
                        + " (SELECT MIN(m.event_id) FROM event_deliveries m WHERE m.lane = d.lane) FROM event_deliveries d"
                        + " WHERE d.lane = ? AND d.next_attempt_at <= ? ORDER BY d.event_id FETCH FIRST 1 ROWS ONLY"
                        + " FOR UPDATE SKIP LOCKED")) {
                    ps.setString(1, lane);
                    ps.setObject(2, at(machine.instant()));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Result.IDLE;
                        }
                        eventId = rs.getLong(1);
                        consumer = rs.getString(2);
                        attempts = rs.getInt(3);
                        if (rs.getLong(4) < eventId) {
                            // An earlier delivery is taken by another replica, or waits: order first.
                            c.rollback();
                            return Result.IDLE;
                        }
                    }
                }
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            EventConsumer.Delivery delivery;
            boolean marked = false;
            try {
                delivery = read(c, eventId, consumer, lane);
                if (!delivery.repeated() && handler.reachesOut(consumer)) {
                    if (!markAttempt(c, eventId, consumer, lane)) {
                        c.rollback();
                        return Result.IDLE; // another replica took it in the moment between the mark and the lock
                    }
                    marked = true;
                }
                handler.handle(consumer, delivery, c);
                // The attempt's mark goes with the delivery; a delivery never marked has none to delete.
                for (String table : marked || delivery.repeated() ? List.of("event_deliveries", "event_attempts")
                        : List.of("event_deliveries")) {
                    forDelivery(c, "DELETE FROM " + table + " WHERE event_id = ? AND consumer = ? AND lane = ?",
                            eventId, consumer, lane);
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                boolean notYet = e instanceof EventConsumer.NotYet;
                Duration wait = notYet ? ((EventConsumer.NotYet) e).retryIn() : backoff(attempts + 1);
                // A postponement sent nothing (NotYet's contract): this attempt's mark goes, so the next one is not
                // taken for a repeat and does not search Slack's history for a message that was never posted.
                postpone(c, eventId, consumer, lane, notYet ? attempts : attempts + 1, wait,
                        notYet ? null : String.valueOf(e), notYet && marked);
                if (!(e instanceof EventConsumer.NotYet)) {
                    failed.accept(lane, e);
                }
                return Result.WAITING;
            }
            done.accept(consumer, delivery);
            return Result.DELIVERED;
        }
    }

    /** 1 s, doubling with each failed attempt, at most {@link #MAX_BACKOFF} ({@link Backoff}). */
    static Duration backoff(int attempts) {
        return new Backoff(Duration.ofSeconds(1), MAX_BACKOFF).after(Math.max(attempts, 1));
    }

    private void postpone(Connection c, long eventId, String consumer, String lane, int attempts, Duration wait,
                          String error, boolean unmark) throws SQLException {
        if (unmark) {
            forDelivery(c, "DELETE FROM event_attempts WHERE event_id = ? AND consumer = ? AND lane = ?", eventId,
                    consumer, lane);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE event_deliveries SET attempts = ?, next_attempt_at = ?,"
                + " last_error = COALESCE(?, last_error) WHERE event_id = ? AND consumer = ? AND lane = ?")) {
            ps.setInt(1, attempts);
            ps.setObject(2, at(machine.instant().plus(wait)));
            ps.setString(3, error == null ? null : error.substring(0, Math.min(error.length(), ERROR_LIMIT)));
            ps.setLong(4, eventId);
            ps.setString(5, consumer);
            ps.setString(6, lane);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    /** Runs {@code sql}, whose parameters are a delivery's event id, consumer and lane, in that order. */
    private static void forDelivery(Connection c, String sql, long eventId, String consumer, String lane)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, eventId);
            ps.setString(2, consumer);
            ps.setString(3, lane);
            ps.executeUpdate();
        }
    }

    /**
     * Commits that this delivery is about to reach outside, then takes its row again. The commit lets the row go for
     * a moment: when another replica takes it then, it sees the mark (so it looks before posting) and this attempt
     * stops (false). One connection per delivery, so the relay never waits on the pool for a second one.
     */
    private static boolean markAttempt(Connection c, long eventId, String consumer, String lane) throws SQLException {
        forDelivery(c, "INSERT INTO event_attempts (event_id, consumer, lane) VALUES (?, ?, ?)", eventId, consumer,
                lane);
        c.commit();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_deliveries WHERE event_id = ?"
                + " AND consumer = ? AND lane = ? FOR UPDATE SKIP LOCKED")) {
            ps.setLong(1, eventId);
            ps.setString(2, consumer);
            ps.setString(3, lane);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The delivery: its event, and whether an earlier attempt was marked ({@link #markAttempt}), in one read. */
    private EventConsumer.Delivery read(Connection c, long eventId, String consumer, String lane)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.body, e.recorded_at, CASE WHEN EXISTS (SELECT 1"
                + " FROM event_attempts a WHERE a.event_id = e.id AND a.consumer = ? AND a.lane = ?) THEN 1 ELSE 0 END"
                + " FROM grant_events e WHERE e.id = ?")) {
            ps.setString(1, consumer);
            ps.setString(2, lane);
            ps.setLong(3, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("event " + eventId + " is missing from grant_events");
                }
                return new EventConsumer.Delivery(eventId, parse(eventId, rs.getString(1)),
                        EventRoutes.Route.ofLane(lane).key(), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getInt(3) == 1);
            }
        }
    }

    /**
     * The deliveries waiting right behind {@code first} in its lane, in order, at most {@code max}: those due now, up
     * to the first that is not (backed off), read on {@code c} (the delivery's own connection). A consumer that can
     * say several events at once (a notify channel's lines) takes some of them along ({@link #takeAlong}) when its
     * lane is behind. Nobody else can take them meanwhile: a lane's delivery runs only when it is the lane's first,
     * and {@code first} is held until {@code c}'s transaction ends.
     */
    public List<EventConsumer.Delivery> behind(Connection c, String consumer, EventConsumer.Delivery first, int max)
            throws SQLException, com.fasterxml.jackson.core.JsonProcessingException {
        String lane = new EventRoutes.Route(consumer, first.lane()).lane();
        List<EventConsumer.Delivery> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT d.event_id, CASE WHEN d.next_attempt_at <= ? THEN 1"
                + " ELSE 0 END, e.body, e.recorded_at, CASE WHEN EXISTS (SELECT 1 FROM event_attempts a"
                + " WHERE a.event_id = d.event_id AND a.consumer = d.consumer AND a.lane = d.lane) THEN 1 ELSE 0 END"
                + " FROM event_deliveries d JOIN grant_events e ON e.id = d.event_id"
                + " WHERE d.lane = ? AND d.event_id > ? ORDER BY d.event_id FETCH FIRST " + max + " ROWS ONLY")) {
            ps.setObject(1, at(machine.instant()));
            ps.setString(2, lane);
            ps.setLong(3, first.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rs.getInt(2) == 1) {
                    long id = rs.getLong(1);
                    out.add(new EventConsumer.Delivery(id, parse(id, rs.getString(3)), first.lane(),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getInt(5) == 1));
                }
            }
        }
        return out;
    }

    /**
     * Deletes the deliveries {@code ids} of the lane keyed {@code key} (and their attempt marks) in {@code c}'s
     * transaction: the consumer said them with the delivery it was handed, so they are delivered when it commits.
     *
     * @throws SQLException when one of them is no longer pending (nothing is then taken: the transaction fails)
     */
    public static void takeAlong(Connection c, String consumer, String key, List<Long> ids) throws SQLException {
        String lane = new EventRoutes.Route(consumer, key).lane();
        for (String table : List.of("event_deliveries", "event_attempts")) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + table + " WHERE event_id = ? AND consumer = ? AND lane = ?")) {
                for (long id : ids) {
                    ps.setLong(1, id);
                    ps.setString(2, consumer);
                    ps.setString(3, lane);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; table.equals("event_deliveries") && i < counts.length; i++) {
                    if (counts[i] == 0) {
                        throw new SQLException("delivery " + ids.get(i) + " of " + lane + " is no longer pending");
                    }
                }
            }
        }
    }

    /** The event stored as {@code body}, parsed once while it is kept ({@link #parsed}). */
    private GrantEvent parse(long eventId, String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        GrantEvent event = parsed.get(eventId);
        if (event == null) {
            event = EventJson.read(body);
            parsed.put(eventId, event);
        }
        return event;
    }

    /**
     * Whether {@code consumer} still has a delivery in the lane keyed {@code key} at or before event {@code upTo}, read
     * on {@code c} (the delivery's own connection): a consumer that shows another's work (the post-mortem thread
     * shows the audit timeline) waits for it.
     */
    public static boolean pendingBefore(Connection c, String consumer, String key, long upTo) throws SQLException {
        return anyInLane(c, consumer, key, "<=", upTo);
    }

    /**
     * Whether {@code consumer} has a delivery in the lane keyed {@code key} after event {@code after}, read on {@code c}
     * (the delivery's own connection): a consumer that shows the latest state (the card) leaves the showing to it.
     * A delivery counts until it is done, so the later one cannot have gone out already.
     */
    public static boolean pendingAfter(Connection c, String consumer, String key, long after) throws SQLException {
        return anyInLane(c, consumer, key, ">", after);
    }

    /** Whether the lane holds a delivery whose event id stands in {@code relation} ("<=", ">") to {@code eventId}. */
    private static boolean anyInLane(Connection c, String consumer, String key, String relation, long eventId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_deliveries WHERE lane = ? AND event_id "
                + relation + " ? FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, new EventRoutes.Route(consumer, key).lane());
            ps.setLong(2, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every event stored for {@code grant}, in the order they happened. */
    public List<GrantEvent> eventsOf(dev.breakglass.grant.GrantId grant) {
        List<GrantEvent> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body FROM grant_events WHERE grant_id = ? ORDER BY id")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventJson.read(rs.getString(1)));
                }
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not read the events of " + grant, e);
        }
        return events;
    }

    /** How many deliveries are pending, per consumer: for health and metrics. */
    public Map<String, Long> pending() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT consumer, COUNT(*) FROM event_deliveries GROUP BY consumer")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count pending deliveries", e);
        }
        return counts;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

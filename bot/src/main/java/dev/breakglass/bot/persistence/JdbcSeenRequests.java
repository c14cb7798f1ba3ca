package dev.breakglass.bot.persistence;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The signatures of signed Slack requests already answered ({@code slack_requests_seen}), shared by replicas:
 * the same request delivered twice is acted on once.
 *
 * <p>A Slack signature is an HMAC of the timestamp and the whole body, so two deliveries with the same signature
 * are the same request; two different clicks or commands never share one. Requests older than the signature
 * window (5 minutes) are refused before they get here, so a signature needs remembering only that long; rows
 * are kept at least {@link #KEEP} and deleted as new requests arrive, at most once every {@link #PURGE_EVERY} per
 * process: the delete is not on every acknowledgement's path (a row kept a little longer changes nothing).
 */
@Singleton
public class JdbcSeenRequests {
    /** How long a signature is remembered: twice the 5-minute window of a valid timestamp. */
    static final Duration KEEP = Duration.ofMinutes(10);
    /** How often this process deletes the signatures older than {@link #KEEP}. */
    static final Duration PURGE_EVERY = Duration.ofSeconds(30);
    /** SQLSTATE of a unique-key violation, in PostgreSQL and in H2. */
    private static final String DUPLICATE_KEY = "23505";

    private final DataSource dataSource;
    /** When this process last deleted old signatures; {@link Instant#MIN} before the first request. */
    private final AtomicReference<Instant> purged = new AtomicReference<>(Instant.MIN);

    public JdbcSeenRequests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records {@code signature} as answered at {@code now}.
     *
     * @return true the first time this signature is seen; false for a repeat (by this replica or another)
     */
    public boolean firstSighting(String signature, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            Instant last = purged.get();
            // Also after the clock went back a long way (a test's clock): the next request purges.
            boolean due = !now.isBefore(last.plus(PURGE_EVERY)) || now.isBefore(last);
            if (due && purged.compareAndSet(last, now)) {
                try (PreparedStatement purge = c.prepareStatement("DELETE FROM slack_requests_seen WHERE seen_at < ?")) {
                    JdbcGrantStore.setInstant(purge, 1, now.minus(KEEP));
                    purge.executeUpdate();
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO slack_requests_seen (signature, seen_at) VALUES (?, ?)")) {
                insert.setString(1, signature);
                JdbcGrantStore.setInstant(insert, 2, now);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (DUPLICATE_KEY.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not record a Slack request's signature", e);
        }
    }
}

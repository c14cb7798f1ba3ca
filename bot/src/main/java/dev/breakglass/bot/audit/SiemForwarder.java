package dev.breakglass.bot.audit;

import dev.breakglass.bot.json.JsonMappers;
import dev.breakglass.bot.outbound.WebhookSignature;
import dev.breakglass.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends queued audit entries ({@code audit_outbox}) to the SIEM, one signed POST per entry, strictly in seq order,
 * deleting each row only after a 2xx answer.
 *
 * <p>Claiming, safe with any number of replicas: one short transaction per entry locks the lowest queued row with
 * {@code SELECT … ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED} and checks it is still the lowest row in the table;
 * if another replica holds the lowest row this one backs off instead of sending a later entry first. The lock is
 * held while POSTing, so two replicas never send the same row at once. H2 (2.3) accepts the same SQL with the same
 * meaning, so there is one code path.
 *
 * <p>Edge cases: delivery is at least once — a crash after the SIEM answered but before the delete commits sends
 * that entry again (receivers dedupe on {@code seq} or {@code hash}). A failing entry blocks the ones after it
 * (order is the point) and is retried forever, backing off from {@code firstRetry} doubling up to {@code maxRetry}.
 * An outbox row whose audit entry is gone is retried the same way and logged, since that is tampering. Logs name
 * the seq, the status and the host, never the secret, the body or the URL's path and query.
 */
public final class SiemForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiemForwarder.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = JsonMappers.standard();

    /** What one claim did. */
    enum Outcome { SENT, FAILED, NOTHING_DUE, BUSY }

    private final DataSource dataSource;
    private final URI url;
    private final WebhookSignature signature;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration timeout;
    private final HttpClient http;
    private ScheduledExecutorService timer;

    public SiemForwarder(DataSource dataSource, URI url, String secret, Clock clock, Duration firstRetry,
                         Duration maxRetry, Duration timeout) {
        this.dataSource = dataSource;
        this.url = url;
        this.signature = new WebhookSignature(secret);
        this.clock = clock;
        this.backoff = new Backoff(firstRetry, maxRetry);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Drains the outbox every {@code poll} on a background thread until {@link #close()}. */
    public synchronized void start(Duration poll) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-siem-forwarder");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                drain();
            } catch (RuntimeException e) {
                // The database may be briefly away; the rows stay queued and the next tick tries again.
                LOG.warn("audit forwarding paused: {}", e.toString());
            }
        }, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends every due entry in order until the outbox is empty, the head entry failed or is not due yet. */
    public int drain() {
        int sent = 0;
        while (!Thread.currentThread().isInterrupted() && forwardOne() == Outcome.SENT) {
            sent++;
        }
        return sent;
    }

    /** Claims the lowest queued entry, sends it if due, and records the result. */
    Outcome forwardOne() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Outcome outcome = claimAndSend(c);
                c.commit();
                return outcome;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("audit outbox: " + e.getMessage(), e);
        }
    }

    private Outcome claimAndSend(Connection c) throws SQLException, IOException {
        long seq;
        int attempts;
        Instant due;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, attempts, next_attempt_at FROM audit_outbox "
                + "ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Outcome.NOTHING_DUE;
            }
            seq = rs.getLong(1);
            attempts = rs.getInt(2);
            due = rs.getObject(3, OffsetDateTime.class).toInstant();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM audit_outbox");
             ResultSet rs = ps.executeQuery()) {
            // Another replica holds an earlier entry: sending this one now would break the order.
            if (rs.next() && rs.getLong(1) < seq) {
                return Outcome.BUSY;
            }
        }
        Instant now = clock.instant();
        if (due.isAfter(now)) {
            return Outcome.NOTHING_DUE;
        }
        Optional<AuditEntry> entry = JdbcAuditLog.entry(c, seq);
        String error = entry.isEmpty() ? "audit entry " + seq + " is missing from audit_log" : post(entry.get());
        if (Thread.currentThread().isInterrupted()) {
            // Shutting down mid-post: not the SIEM's failure, so nothing is counted; the row waits for the next start.
            return Outcome.NOTHING_DUE;
        }
        if (error == null) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_outbox WHERE seq = ?")) {
                ps.setLong(1, seq);
                ps.executeUpdate();
            }
            if (attempts > 0) {
                LOG.info("audit entry {} reached the SIEM after {} failed attempts", seq, attempts);
            }
            return Outcome.SENT;
        }
        Duration wait = backoff(attempts + 1);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE audit_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?")) {
            ps.setInt(1, attempts + 1);
            ps.setObject(2, now.plus(wait).atOffset(ZoneOffset.UTC));
            ps.setString(3, error);
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
        LOG.warn("audit entry {} not forwarded to the SIEM at {} (attempt {}): {}; retrying in {}", seq,
                url.getHost(), attempts + 1, error, wait);
        return Outcome.FAILED;
    }

    /**
     * Sends a signed checkpoint right away (not through the outbox: a later one supersedes it), as
     * {@code {"type":"checkpoint","seq":N,"head":"…","checkpoint":"<line>"}}, signed like the entries.
     *
     * @throws IllegalStateException naming the status or error when the SIEM did not answer 2xx
     */
    public void postCheckpoint(Checkpoint checkpoint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "checkpoint");
        body.put("seq", checkpoint.seq());
        body.put("head", checkpoint.head());
        body.put("checkpoint", checkpoint.line());
        String error;
        try {
            error = post(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (error != null) {
            throw new IllegalStateException("the SIEM at " + url.getHost() + " did not take it: " + error);
        }
    }

    /** Null when the SIEM answered 2xx, else what went wrong (no secrets, no body). */
    private String post(AuditEntry entry) {
        return post(AuditChain.jsonLine(entry).getBytes(StandardCharsets.UTF_8));
    }

    private String post(byte[] body) {
        long ts = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
                .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** {@code firstRetry · 2^(attempt-1)}, at most {@code maxRetry} ({@link Backoff}). */
    Duration backoff(int attempt) {
        return backoff.after(attempt);
    }

    /** Stops the background thread; queued rows stay for the next start (or another replica). */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}

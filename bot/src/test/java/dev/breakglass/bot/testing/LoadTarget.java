package dev.breakglass.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The target system behind the {@code webhook} adapter, for load (the benchmark and {@code LoadAndChaosIT}): answers
 * grant, revoke, verify and extend as a real receiver would, and notes when each call arrived. The revocation lag of
 * the issue is read here: when the revoke call arrived minus the grant's end as the bot stored it
 * ({@link #lagsMillis}); the {@code expires_at} the bot sends is whole seconds, so it is kept only to see that a
 * revoke never came before it.
 *
 * <p>Unlike {@link WebhookReceiver} it keeps one small record per grant (tens of thousands of grants, no list of
 * every call), and it can fail a share of calls at random ({@link #failShare}) for the chaos run. It does not check
 * signatures: the adapter's own tests do.
 *
 * <p>Edge cases: a call failed on purpose answers 503 before it is counted or changes anything, so {@link Seen#grants}
 * counts only the grants the target carried out (a retried 503 is not a second provision). The times of
 * {@link Seen#revoked} and {@link Seen#verified} are the first successful ones.
 */
public final class LoadTarget implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What happened to one grant at the target; times are when the calls arrived here. */
    public static final class Seen {
        public volatile Instant granted;
        public volatile Instant expiresAt;
        public volatile Instant revoked;
        public volatile Instant verified;
        public volatile boolean live;
        public final AtomicInteger grants = new AtomicInteger();
        public final AtomicInteger revokes = new AtomicInteger();
        /** Revoke calls answered 503 on purpose: the bot's retries, not its timers, set such a removal's lag. */
        public final AtomicInteger revokesRefused = new AtomicInteger();
        /** Calls of each action that arrived, failed ones included: the n-th call's number in the failure draw. */
        final Map<String, AtomicInteger> arrived = new ConcurrentHashMap<>();
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(32, r -> {
        Thread t = new Thread(r, "load-target");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Seen> grants = new ConcurrentHashMap<>();
    private final AtomicInteger granted = new AtomicInteger();
    private final AtomicInteger verifiedRevoked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile double failShare;
    private volatile long failSeed;

    public LoadTarget() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /**
     * From now on this share of calls (0 to 1) answers 503 before doing anything, as a flaky target. Which calls fail
     * is drawn from {@code seed} and the call itself (grant id, action, how many calls of that action for that grant
     * came before), not from the order calls arrive in: the same seed fails the same calls in every run, whatever
     * the timing.
     */
    public void failShare(double share, long seed) {
        failSeed = seed;
        failShare = share;
    }

    private boolean failsOnPurpose(String grantId, String action, Seen seen) {
        if (failShare <= 0) {
            return false;
        }
        int nth = seen.arrived.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
        long draw = failSeed ^ ((long) (grantId + "/" + action).hashCode() << 20) ^ nth;
        return new SplittableRandom(draw).nextDouble() < failShare;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant now = Instant.now();
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String action = body.path("action").asText();
        String grantId = body.path("grant_id").asText();
        Seen seen = grants.computeIfAbsent(grantId, id -> new Seen());
        int status = 200;
        String answer = "{}";
        if (failsOnPurpose(grantId, action, seen)) {
            failed.incrementAndGet();
            if (action.equals("revoke")) {
                seen.revokesRefused.incrementAndGet();
            }
            status = 503;
            answer = "{\"error\":\"target down (injected)\"}";
        } else {
            switch (action) {
                case "grant" -> {
                    seen.grants.incrementAndGet();
                    seen.expiresAt = Instant.parse(body.path("expires_at").asText());
                    seen.live = true;
                    if (seen.granted == null) {
                        seen.granted = now;
                        granted.incrementAndGet();
                    }
                    answer = "{\"handle\":{\"account\":\"bg-" + body.path("grant_id").asText()
                            + "\"},\"credentials\":{\"username\":\"bench\",\"password\":\"bench-placeholder\"}}";
                }
                case "extend" -> seen.expiresAt = Instant.parse(body.path("expires_at").asText());
                case "revoke" -> {
                    seen.revokes.incrementAndGet();
                    seen.live = false;
                    if (seen.revoked == null) {
                        seen.revoked = now;
                    }
                }
                case "verify" -> {
                    answer = "{\"revoked\":" + !seen.live + "}";
                    if (!seen.live && seen.verified == null) {
                        seen.verified = now;
                        verifiedRevoked.incrementAndGet();
                    }
                }
                default -> {
                    status = 400;
                    answer = "{\"error\":\"unknown action\"}";
                }
            }
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Grants provisioned at least once. */
    public int granted() {
        return granted.get();
    }

    /** Grants whose removal was verified. */
    public int removed() {
        return verifiedRevoked.get();
    }

    /** Calls answered 503 on purpose. */
    public int injectedFailures() {
        return failed.get();
    }

    public Optional<Seen> seen(String grantId) {
        return Optional.ofNullable(grants.get(grantId));
    }

    /** Every grant seen, by id. */
    public Map<String, Seen> all() {
        return Map.copyOf(grants);
    }

    /**
     * The revocation lag of each removed grant of these ids, milliseconds: revoke arrival − its end in {@code ends}
     * (the bot's own, {@link LoadCluster#storedEnds}; the {@code expires_at} this target was sent is whole seconds).
     * A grant without a stored end is left out.
     */
    public List<Long> lagsMillis(List<String> ids, Map<String, Instant> ends) {
        return ids.stream().filter(id -> grants.get(id) != null && grants.get(id).revoked != null
                        && ends.containsKey(id))
                .map(id -> grants.get(id).revoked.toEpochMilli() - ends.get(id).toEpochMilli()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}

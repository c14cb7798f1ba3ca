package dev.breakglass.bot.adapter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver as an operator would write one, on a JDK {@link HttpServer} at {@code 127.0.0.1:<ephemeral>}:
 * it checks the signature over the raw body and the ±300 s window against its own (real) clock, with code written
 * from the documentation and independent of the adapter's signer, answers 401 when either fails, and otherwise
 * plays a script of answers. It records every request, accepted or not.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, body, and how long to wait before sending it. */
    record Reply(int status, String body, Duration delay, Map<String, String> headers) {
        static Reply ok(String body) {
            return new Reply(200, body, Duration.ZERO, Map.of());
        }

        static Reply status(int status) {
            return new Reply(status, "", Duration.ZERO, Map.of());
        }

        Reply after(Duration delay) {
            return new Reply(status, body, delay, headers);
        }

        Reply withHeader(String name, String value) {
            return new Reply(status, body, delay, Map.of(name, value));
        }
    }

    /**
     * One request as received.
     *
     * @param headers   first value of each header, names in lower case
     * @param rejection why the receiver answered 401, empty when the request was authentic
     */
    record Received(String method, Map<String, String> headers, byte[] body, Optional<String> rejection) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String action() {
            return json().path("action").asText();
        }
    }

    private final String secret;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private Reply otherwise = Reply.ok("");

    private WebhookReceiver(String secret) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // A pool, so a reply that sleeps (timeout tests) does not hold up the next attempt.
        server.setExecutor(executor);
        server.start();
    }

    static WebhookReceiver start(String secret) {
        try {
            return new WebhookReceiver(secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The receiver's URL, with a path and query like real ones. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/breakglass?tenant=t1";
    }

    /** Answers the next authentic requests with these, in order, then with {@link #otherwise}. */
    synchronized WebhookReceiver then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** The answer once the script is used up (200 with an empty body unless set). */
    synchronized WebhookReceiver otherwise(Reply reply) {
        this.otherwise = reply;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<String> actions() {
        return received.stream().map(Received::action).toList();
    }

    private synchronized Reply next() {
        Reply r = script.poll();
        return r != null ? r : otherwise;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            Optional<String> rejection = verify(secret, headers.get("x-breakglass-timestamp"),
                    headers.get("x-breakglass-signature"), body, System.currentTimeMillis() / 1000);
            received.add(new Received(exchange.getRequestMethod(), headers, body, rejection));
            if (rejection.isPresent()) {
                send(exchange, new Reply(401, "", Duration.ZERO, Map.of()));
                return;
            }
            Reply reply = next();
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    return; // the receiver is closing
                }
            }
            send(exchange, reply);
        } catch (IOException e) {
            // The client gave up (timeout tests): nothing to answer to.
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /**
     * The receiver's check, written from the documentation: both headers present, the timestamp a decimal number of
     * seconds within 300 s of now either way, and {@code v1=} + hex HMAC-SHA256 of {@code "v1:" + timestamp + ":"
     * + raw body} with the secret's UTF-8 bytes, compared in constant time.
     *
     * @return why the request is refused, empty when it is authentic
     */
    static Optional<String> verify(String secret, String timestamp, String signature, byte[] body, long nowSeconds) {
        if (timestamp == null || signature == null) {
            return Optional.of("missing header");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return Optional.of("timestamp is not a number");
        }
        if (Math.abs(nowSeconds - ts) > 300) {
            return Optional.of("timestamp outside the 300 s window");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v1:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            byte[] digest = mac.doFinal(body);
            StringBuilder hex = new StringBuilder("v1=");
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            boolean same = MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.UTF_8),
                    signature.getBytes(StandardCharsets.UTF_8));
            return same ? Optional.empty() : Optional.of("signature mismatch");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

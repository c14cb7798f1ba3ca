package dev.breakglass.bot.audit;

import com.sun.net.httpserver.HttpServer;
import dev.breakglass.bot.outbound.WebhookSignature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIEM collector on a real local port: checks every POST's signature and timestamp like a careful receiver,
 * records the good ones in arrival order, and answers 503 to the next N posts on demand.
 */
final class SiemReceiver implements AutoCloseable {
    static final String SECRET = "test-siem-secret";
    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();

    SiemReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WebhookSignature signer = new WebhookSignature(SECRET);
        server.createContext("/siem", exchange -> {
            posts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String ts = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
            String sig = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
            int status;
            if (ts == null || sig == null || Math.abs(Long.parseLong(ts) - System.currentTimeMillis() / 1000) > 300
                    || !sig.equals(signer.sign(Long.parseLong(ts), body))) {
                badSignatures.incrementAndGet();
                status = 401;
            } else if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                received.add(new String(body, StandardCharsets.UTF_8));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/siem?key=not-logged");
    }

    void failNext(int n) {
        failNext.set(n);
    }

    List<String> received() {
        return List.copyOf(received);
    }

    int badSignatures() {
        return badSignatures.get();
    }

    int posts() {
        return posts.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.breakglass.bot.adapter.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakglass.bot.outbound.WebhookSignature;
import dev.breakglass.command.DurationText;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code webhook} target: every operation is one signed JSON POST to the receiver's URL (see
 * {@code docs/adapters.md}, "Writing a webhook receiver", for the wire format).
 *
 * <p>Attempts: a 2xx answer is success. A 5xx answer, a timeout or a connection error is tried again, up to
 * {@link WebhookSettings#retries()} more times, after pauses of 200 ms, 400 ms, 800 ms… (at most 5 s); each attempt
 * is signed afresh with the current time and the same body bytes, so receivers can de-duplicate on
 * {@code grant_id} + {@code action}. Any other answer (4xx, a redirect, 1xx) fails at once: redirects are not
 * followed, since the signed request is meant for one receiver only.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@link #grant}: an empty 2xx body means no handle ({@code {}} is stored) and no credentials. When a grant
 *       fails after the receiver may have acted (a 2xx whose body cannot be read, a 5xx, a timeout, a dropped
 *       connection), a revoke with handle {@code {}} is sent before throwing, so nothing is left half-made; a
 *       refused connection or a 4xx sends none.</li>
 *   <li>{@link #revoke}: any 2xx is done; the body is ignored.</li>
 *   <li>{@link #verifyRevoked}: only a 2xx with a JSON boolean {@code revoked} is an answer.</li>
 *   <li>Answers over 1 MiB are refused, as is any answer that takes longer than the timeout to arrive in full.</li>
 *   <li>Interrupting the calling thread ends the call with a {@link TargetException}, the interrupt flag kept.</li>
 * </ul>
 * Exception messages and logs name the action, grant id, target, status and the URL's origin only: never a body,
 * the secret, the URL's path or query, or credentials. The adapter is thread-safe.
 */
public final class WebhookAdapter implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdapter.class);

    /** The first pause between attempts; each next one doubles, up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final Backoff PAUSES = new Backoff(FIRST_PAUSE, MAX_PAUSE);
    /** Grant answers carry a handle and a few credentials; anything near this is not a real answer. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final String target;
    private final WebhookSettings settings;
    private final WebhookSignature signature;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HttpClient http;

    WebhookAdapter(String target, WebhookSettings settings, Clock clock, Sleeper sleeper) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.signature = new WebhookSignature(settings.secret());
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1: every receiver speaks it, and plain-http receivers are not confused by an h2c upgrade.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        ProxySelector proxies = ProxySelector.getDefault();
        if (proxies != null) {
            // Honours -Dhttps.proxyHost and friends, which an operator sets on purpose.
            builder.proxy(proxies);
        }
        this.http = builder.build();
    }

    /** The target this adapter serves. */
    public String target() {
        return target;
    }

    /** The settings in use (whose {@code toString} hides the secret). */
    public WebhookSettings settings() {
        return settings;
    }

    /**
     * Sends {@code grant} (with {@code "handle": null}) and reads the answer's handle and credentials.
     *
     * @throws TargetException when every attempt failed, the receiver refused, or the 2xx answer is not a JSON
     *                         object with an object {@code handle} and an object of plain {@code credentials};
     *                         the message says whether an undoing revoke was sent
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        Objects.requireNonNull(request, "request");
        byte[] answer;
        try {
            answer = exchange(WebhookAction.GRANT, request, WebhookJson.request(WebhookAction.GRANT, request, null));
        } catch (Failure f) {
            throw f.mayHaveActed ? undo(request, f.getMessage()) : new TargetException(f.getMessage());
        }
        try {
            WebhookJson.GrantAnswer read = WebhookJson.grantAnswer(answer);
            return new Provisioned(request, read.handle(), read.credentials());
        } catch (WebhookJson.BadAnswer e) {
            // The receiver said yes but we cannot tell the requester how to get in: take it back.
            throw undo(request, describe(WebhookAction.GRANT, request) + " failed: " + e.getMessage());
        }
    }

    /**
     * Sends {@code revoke} with the stored handle; any 2xx is done. Receivers answer 2xx for a grant they do not
     * know or already revoked, which makes this idempotent.
     */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        byte[] body = body(WebhookAction.REVOKE, provisioned);
        try {
            exchange(WebhookAction.REVOKE, provisioned.request(), body);
        } catch (Failure f) {
            throw new TargetException(f.getMessage());
        }
    }

    /**
     * Sends {@code verify} with the stored handle.
     *
     * @return the receiver's {@code revoked}
     * @throws TargetException when every attempt failed, the receiver refused, or the 2xx answer has no boolean
     *                         {@code revoked}
     */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        byte[] body = body(WebhookAction.VERIFY, provisioned);
        try {
            return WebhookJson.revokedAnswer(exchange(WebhookAction.VERIFY, provisioned.request(), body));
        } catch (Failure f) {
            throw new TargetException(f.getMessage());
        } catch (WebhookJson.BadAnswer e) {
            throw new TargetException(describe(WebhookAction.VERIFY, provisioned.request()) + " failed: "
                    + e.getMessage());
        }
    }

    /** The receiver builds {@code expires_at} into the access, so an extension must reach it. */
    @Override
    public Extending extending() {
        return Extending.MOVES_THE_END;
    }

    /**
     * Sends {@code extend} with the stored handle and the new {@code expires_at}; any 2xx means the receiver moved
     * the end. The handle stays and no credentials are read: the requester keeps the access they have.
     *
     * @throws TargetException when every attempt failed or the receiver refused (a receiver that does not know
     *                         {@code extend} answers 4xx): the old end is then in force
     */
    @Override
    public Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        Provisioned moved = Objects.requireNonNull(provisioned, "provisioned").endingAt(newEnd);
        byte[] body = body(WebhookAction.EXTEND, moved);
        try {
            exchange(WebhookAction.EXTEND, moved.request(), body);
        } catch (Failure f) {
            throw new TargetException(f.getMessage());
        }
        return moved;
    }

    @Override
    public String toString() {
        return "WebhookAdapter[target=" + target + ", url=" + settings.origin() + ", timeout="
                + DurationText.format(settings.timeout()) + ", retries=" + settings.retries() + "]";
    }

    private byte[] body(WebhookAction action, Provisioned provisioned) throws TargetException {
        try {
            return WebhookJson.request(action, provisioned.request(), WebhookJson.storedHandle(provisioned.handle()));
        } catch (WebhookJson.BadAnswer e) {
            throw new TargetException(describe(action, provisioned.request()) + " failed: " + e.getMessage());
        }
    }

    /** Best-effort revoke after a failed grant; the returned exception tells what happened to both. */
    private TargetException undo(GrantRequest request, String failure) {
        if (Thread.currentThread().isInterrupted()) {
            return new TargetException(failure + "; no revoke was sent to undo it (interrupted)");
        }
        ObjectNode noHandle = JsonNodeFactory.instance.objectNode();
        try {
            exchange(WebhookAction.REVOKE, request, WebhookJson.request(WebhookAction.REVOKE, request, noHandle));
            return new TargetException(failure + "; a revoke was sent in case the receiver had granted access");
        } catch (Failure f) {
            return new TargetException(failure + "; the revoke sent in case the receiver had granted access failed "
                    + "too: " + f.reason);
        }
    }

    /**
     * Sends {@code body} until a 2xx answer, a final failure, or the attempts run out.
     *
     * @return the 2xx answer's body (empty when none)
     */
    private byte[] exchange(WebhookAction action, GrantRequest request, byte[] body) throws Failure {
        int attempts = settings.retries() + 1;
        boolean mayHaveActed = false;
        String last = "no attempt";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                try {
                    sleeper.sleep(pause(attempt - 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure(action, request, attempt - 1, last + "; then interrupted", true);
                }
            }
            long started = System.nanoTime();
            Outcome outcome = send(body);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (outcome instanceof Answer answer) {
                int status = answer.status;
                if (status >= 200 && status < 300) {
                    LOG.info("webhook {} {} on {}: HTTP {} ({} ms, attempt {}/{})",
                            action, request.id(), target, status, millis, attempt, attempts);
                    return answer.body;
                }
                LOG.warn("webhook {} {} on {}: HTTP {} ({} ms, attempt {}/{})",
                        action, request.id(), target, status, millis, attempt, attempts);
                last = "HTTP " + status + " from " + settings.origin();
                if (status >= 500 && status < 600) {
                    mayHaveActed = true;
                    continue;
                }
                String why = status >= 400 && status < 500 ? " (4xx is not retried)"
                        : " (only 2xx is success; redirects are not followed)";
                throw failure(action, request, attempt, last + why, mayHaveActed);
            }
            Broken broken = (Broken) outcome;
            LOG.warn("webhook {} {} on {}: {} ({} ms, attempt {}/{})",
                    action, request.id(), target, broken.reason, millis, attempt, attempts);
            last = broken.reason;
            mayHaveActed |= broken.reached;
            if (!broken.retryable) {
                throw failure(action, request, attempt, last, mayHaveActed);
            }
        }
        throw failure(action, request, attempts, last, mayHaveActed);
    }

    /** The pause before retry number {@code retry} (1-based): 200 ms doubling, at most {@link #MAX_PAUSE}. */
    static Duration pause(int retry) {
        return PAUSES.after(retry);
    }

    /** One signed POST, waited for at most the timeout, headers and body together. */
    private Outcome send(byte[] body) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", UserAgent.VALUE)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info ->
                info.statusCode() / 100 == 2
                        ? new LimitedBody(MAX_ANSWER_BYTES)
                        // A failure's body is never read: it may echo credentials, and nothing uses it.
                        : HttpResponse.BodySubscribers.replacing(new byte[0]));
        try {
            // The request timeout covers only the wait for headers; this covers the whole answer.
            HttpResponse<byte[]> response = future.get(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
            return new Answer(response.statusCode(), response.body());
        } catch (TimeoutException e) {
            future.cancel(true);
            return timedOut();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Broken("interrupted while waiting for " + settings.origin(), false, true);
        } catch (ExecutionException e) {
            return broken(e.getCause());
        }
    }

    private Broken timedOut() {
        return new Broken("timed out after " + DurationText.format(settings.timeout()) + " waiting for "
                + settings.origin(), true, true);
    }

    /** Names a transport failure without anything from the exchange's content. */
    private Broken broken(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String origin = settings.origin();
        if (t instanceof HttpConnectTimeoutException) {
            return new Broken("could not connect to " + origin + " within "
                    + DurationText.format(settings.timeout()), true, false);
        }
        if (t instanceof HttpTimeoutException) {
            return timedOut();
        }
        if (t instanceof LimitedBody.TooLarge) {
            return new Broken("the answer from " + origin + " is " + t.getMessage(), false, true);
        }
        if (t instanceof ConnectException) {
            if (t.getCause() instanceof UnresolvedAddressException) {
                return new Broken("unknown host " + settings.url().getHost(), true, false);
            }
            String message = t.getMessage();
            // The JDK client often throws ConnectException without a message for a refused connection.
            if (message == null || message.toLowerCase(Locale.ROOT).contains("refused")) {
                return new Broken("connection refused by " + origin, true, false);
            }
            return new Broken("could not connect to " + origin + ": " + safe(message), true, false);
        }
        if (t instanceof SSLHandshakeException) {
            return new Broken("TLS handshake with " + origin + " failed: " + safe(t.getMessage()), true, false);
        }
        if (t instanceof IOException) {
            return new Broken("connection to " + origin + " failed: " + safe(t.getMessage()), true, true);
        }
        return new Broken("calling " + origin + " failed: " + t.getClass().getSimpleName(), false, true);
    }

    /** A JDK message, without the full URL (its path or query may carry a token), and short. */
    private String safe(String message) {
        if (message == null || message.isBlank()) {
            return "no detail";
        }
        String shown = message.replace(settings.url().toString(), settings.origin());
        return shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
    }

    private String describe(WebhookAction action, GrantRequest request) {
        return "webhook " + action + " " + request.id() + " on " + target;
    }

    private Failure failure(WebhookAction action, GrantRequest request, int attempts, String reason,
                            boolean mayHaveActed) {
        String tries = attempts == 1 ? "" : " after " + attempts + " attempts";
        return new Failure(describe(action, request) + " failed" + tries + ": " + reason, reason, mayHaveActed);
    }

    /** What one attempt came to. Records hold no body text in {@code toString} (a byte array prints as an id). */
    private sealed interface Outcome permits Answer, Broken {
    }

    private record Answer(int status, byte[] body) implements Outcome {
    }

    /**
     * @param retryable whether another attempt may help
     * @param reached   whether the receiver may have seen the request (so a grant may have been made)
     */
    private record Broken(String reason, boolean retryable, boolean reached) implements Outcome {
    }

    /** A call that failed for good; the message is safe to show. */
    private static final class Failure extends Exception {
        final String reason;
        final boolean mayHaveActed;

        Failure(String message, String reason, boolean mayHaveActed) {
            super(message, null, false, false);
            this.reason = reason;
            this.mayHaveActed = mayHaveActed;
        }
    }
}

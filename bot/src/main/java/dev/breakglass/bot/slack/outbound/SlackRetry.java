package dev.breakglass.bot.slack.outbound;

import com.slack.api.methods.SlackApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.breakglass.retry.Backoff;

import java.io.IOException;
import java.time.Duration;

/**
 * Runs a Web API call until Slack takes it: a 429 waits as long as Slack's {@code Retry-After} says (or a second),
 * a network error backs off (1 s doubling to 30 s) — for as long as it takes, so a rate limit or an outage delays
 * a message but never drops it. Callers run it on their own ordered queue, so what waits behind keeps its order.
 * Other Slack errors are answers, not outages: they are returned (or thrown) for the caller to handle.
 */
final class SlackRetry {
    private static final Logger LOG = LoggerFactory.getLogger(SlackRetry.class);
    /** Pauses after network errors in a row. */
    private static final Backoff OUTAGE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private SlackRetry() {
    }

    /** A Web API call that may fail the way Slack's client does. */
    @FunctionalInterface
    interface SlackCall<T> {
        T call() throws IOException, SlackApiException;
    }

    /** @throws IOException only when interrupted while waiting (shutting down) */
    static <T> T patiently(SlackCall<T> call) throws IOException, SlackApiException {
        int outages = 0;
        while (true) {
            try {
                return call.call();
            } catch (SlackApiException e) {
                if (e.getResponse() == null || e.getResponse().code() != 429) {
                    throw e;
                }
                String retryAfter = e.getResponse().header("Retry-After");
                long wait = 1000;
                try {
                    wait = Math.max(1, Long.parseLong(retryAfter == null ? "1" : retryAfter.trim())) * 1000;
                } catch (NumberFormatException ignored) {
                    // Slack always sends seconds; a missing or odd header means "a moment"
                }
                LOG.info("Slack rate limit: waiting {} s before retrying", wait / 1000);
                sleep(wait);
            } catch (IOException e) {
                long backoff = OUTAGE.after(++outages).toMillis();
                LOG.warn("Slack unreachable ({}); retrying in {} s", e.getMessage(), backoff / 1000);
                sleep(backoff);
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }
}

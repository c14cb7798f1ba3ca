package dev.breakglass.bot.adapter.webhook;

import static dev.breakglass.bot.adapter.SettingText.quote;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.command.DurationText;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One webhook target's settings, read from the policy's {@code settings} map by {@link #parse}.
 *
 * <ul>
 *   <li>{@code url} (required): absolute {@code http} or {@code https} URL with a host and without user info
 *       (the signature authenticates the bot; credentials in a URL end up in logs). A query string is allowed and
 *       is never printed. May be a {@code ${NAME}} reference.</li>
 *   <li>{@code secret} (required): the HMAC key, used as its UTF-8 bytes; not empty. Normally a {@code ${NAME}}
 *       reference, resolved through {@link EnvironmentVariables} at start.</li>
 *   <li>{@code timeout} (optional, default {@code 10s}): per attempt, from sending to the last byte of the answer,
 *       in the duration notation ({@code 10s}, {@code 1m}); at most {@link #MAX_TIMEOUT}.</li>
 *   <li>{@code retries} (optional, default 3): extra attempts after a 5xx, a timeout or a connection error; a whole
 *       number from 0 to {@link #MAX_RETRIES}.</li>
 * </ul>
 * The limits keep a dead receiver from holding a revocation for hours: at most 11 attempts of 2 minutes.
 * {@link #toString()} never shows the secret or the URL's path and query.
 */
public record WebhookSettings(URI url, String secret, Duration timeout, int retries) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_RETRIES = 3;
    public static final int MAX_RETRIES = 10;
    /** The keys {@link #parse} reads, in the order messages list them. */
    public static final List<String> KEYS = List.of("url", "secret", "timeout", "retries");

    public WebhookSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(timeout, "timeout");
        String problem = urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException("settings.url: " + quote(url.toString()) + " " + problem);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("settings.secret is empty");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("settings.timeout: " + DurationText.format(timeout)
                    + " is out of range; it must be from 1s to " + DurationText.format(MAX_TIMEOUT));
        }
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException("settings.retries: " + retries
                    + " is out of range; it must be a whole number from 0 to " + MAX_RETRIES);
        }
    }

    /**
     * Reads and checks the settings of one target.
     *
     * @param settings    the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment where {@code ${NAME}} references in {@code url} and {@code secret} are looked up
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem:
     *                                  an unknown key, a missing or mistyped value, a value out of range, an unset
     *                                  variable. Messages never contain the secret.
     */
    public static WebhookSettings parse(Map<String, ?> settings, EnvironmentVariables environment) {
        AdapterSettings given = new AdapterSettings("webhook", settings, environment);
        given.onlyKeys(KEYS, "url, secret, timeout and retries");
        URI url = url(given.requiredText("url", "the receiver's http(s) URL"));
        String secret = given.requiredText("secret", "the HMAC key, e.g. ${BREAKGLASS_WEBHOOK_SECRET}");
        Duration timeout = given.duration("timeout", DEFAULT_TIMEOUT, MAX_TIMEOUT,
                "the longest a receiver may take per attempt");
        int retries = given.wholeNumber("retries", DEFAULT_RETRIES, 0, MAX_RETRIES, "3");
        return new WebhookSettings(url, secret, timeout, retries);
    }

    /** {@code scheme://host[:port]}: what messages and logs may show of the URL. */
    public String origin() {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost()
                + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + origin() + ", secret=(hidden), timeout=" + DurationText.format(timeout)
                + ", retries=" + retries + "]";
    }

    private static URI url(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("settings.url: " + quote(text) + " is not an http(s) URL");
        }
        String problem = urlProblem(uri);
        if (problem != null) {
            throw new IllegalArgumentException("settings.url: " + quote(text) + " " + problem);
        }
        return uri;
    }

    /** Why {@code uri} cannot be a receiver's URL, or null when it can. */
    private static String urlProblem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "is not an http(s) URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "has no valid host name";
        }
        if (uri.getRawUserInfo() != null) {
            return "carries user info; remove it, the signature authenticates the bot";
        }
        if (uri.getRawFragment() != null) {
            return "has a #fragment, which is never sent; remove it";
        }
        return null;
    }


}

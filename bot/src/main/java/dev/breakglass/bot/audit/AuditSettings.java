package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.InvalidConfigurationException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;

/**
 * The audit settings ({@code breakglass.audit.*}, from {@code BREAKGLASS_AUDIT_TOKEN}, {@code BREAKGLASS_SIEM_URL},
 * {@code BREAKGLASS_SIEM_SECRET}), checked at start.
 *
 * <p>Edge cases: an empty or blank token means the audit endpoints are off (404); a token shorter than 16
 * characters stops the start rather than guarding an export with something guessable. A SIEM URL needs a secret
 * and an {@code http}/{@code https} URL. Neither the token nor the secret appears in {@link #toString()} or in any
 * message.
 */
@Context
public class AuditSettings {
    /** The shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final byte[] tokenDigest;
    private final URI siemUrl;
    private final String siemSecret;
    private final Duration poll;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Duration timeout;

    public AuditSettings(@Value("${breakglass.audit.token:}") String token,
                         @Value("${breakglass.audit.siem.url:}") String siemUrl,
                         @Value("${breakglass.audit.siem.secret:}") String siemSecret,
                         @Value("${breakglass.audit.siem.poll:1s}") Duration poll,
                         @Value("${breakglass.audit.siem.first-retry:1s}") Duration firstRetry,
                         @Value("${breakglass.audit.siem.max-retry:5m}") Duration maxRetry,
                         @Value("${breakglass.audit.siem.timeout:10s}") Duration timeout) {
        if (token != null && !token.isBlank()) {
            if (token.strip().length() < MIN_TOKEN_LENGTH) {
                throw new InvalidConfigurationException("BREAKGLASS_AUDIT_TOKEN is shorter than " + MIN_TOKEN_LENGTH
                        + " characters: use a long random value (e.g. openssl rand -hex 32)");
            }
            this.tokenDigest = sha256(token.strip());
        } else {
            this.tokenDigest = null;
        }
        if (siemUrl != null && !siemUrl.isBlank()) {
            URI url;
            try {
                url = URI.create(siemUrl.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("BREAKGLASS_SIEM_URL is not a URL");
            }
            if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
                throw new InvalidConfigurationException("BREAKGLASS_SIEM_URL must be an http:// or https:// URL");
            }
            if (siemSecret == null || siemSecret.isEmpty()) {
                throw new InvalidConfigurationException(
                        "BREAKGLASS_SIEM_URL is set but BREAKGLASS_SIEM_SECRET is not: every forwarded entry is signed");
            }
            this.siemUrl = url;
            this.siemSecret = siemSecret;
        } else {
            this.siemUrl = null;
            this.siemSecret = null;
        }
        this.poll = poll;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.timeout = timeout;
    }

    /** Whether {@code /audit/*} is served at all. */
    public boolean endpointsEnabled() {
        return tokenDigest != null;
    }

    /**
     * Whether {@code presented} is the configured token, in time that does not depend on where they differ (both
     * are hashed first, so not on their lengths either). False when no token is configured.
     */
    public boolean tokenMatches(String presented) {
        if (tokenDigest == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(presented));
    }

    public boolean siemEnabled() {
        return siemUrl != null;
    }

    public Optional<URI> siemUrl() {
        return Optional.ofNullable(siemUrl);
    }

    /** The signing secret; only for {@link SiemForwarder}. */
    String siemSecret() {
        return siemSecret;
    }

    public Duration poll() {
        return poll;
    }

    public Duration firstRetry() {
        return firstRetry;
    }

    public Duration maxRetry() {
        return maxRetry;
    }

    public Duration timeout() {
        return timeout;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AuditSettings[endpoints=" + endpointsEnabled() + ", siem=" + (siemUrl == null ? "off" : siemUrl.getHost())
                + ", secrets hidden]";
    }
}

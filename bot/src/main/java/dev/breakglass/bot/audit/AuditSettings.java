package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.BearerToken;
import dev.breakglass.bot.config.InvalidConfigurationException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;

import java.net.URI;
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
    private final Optional<BearerToken> token;
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
        this.token = BearerToken.of("BREAKGLASS_AUDIT_TOKEN", token);
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
        return token.isPresent();
    }

    /** Whether an {@code Authorization} header carries the configured token; false when none is configured. */
    public boolean admits(String authorization) {
        return token.map(t -> t.admits(authorization)).orElse(false);
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

    @Override
    public String toString() {
        return "AuditSettings[endpoints=" + endpointsEnabled() + ", siem=" + (siemUrl == null ? "off" : siemUrl.getHost())
                + ", secrets hidden]";
    }
}

package dev.breakglass.bot.adapter.webhook;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link WebhookAdapter}s for targets with {@code adapter: webhook}. Settings are read and checked in
 * {@link #create}, at start, by {@link WebhookSettings#parse}; {@code ${NAME}} references in {@code url} and
 * {@code secret} are resolved then, not per call, so a missing variable stops the bot instead of the first grant.
 *
 * <p>Warnings, not errors: a plain-{@code http} URL to a host other than loopback (the answer carries credentials),
 * and a secret shorter than 32 bytes.
 */
@Singleton
public final class WebhookAdapterFactory extends AdapterFactory<WebhookSettings, WebhookAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "webhook";
    /** HMAC-SHA256 is at full strength from 32 bytes of key. */
    static final int SHORT_SECRET_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdapterFactory.class);

    private final Clock clock;
    private final Sleeper sleeper;

    /** The bot's factory: the process environment and real pauses. */
    @Inject
    public WebhookAdapterFactory(Clock clock) {
        this(clock, EnvironmentVariables.system(), Sleeper.real());
    }

    /**
     * @param clock       signs every request with this clock's time
     * @param environment where {@code ${NAME}} references are looked up
     * @param sleeper     pauses between attempts
     */
    public WebhookAdapterFactory(Clock clock, EnvironmentVariables environment, Sleeper sleeper) {
        super(TYPE, environment, WebhookSettings::parse);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    @Override
    protected WebhookAdapter make(String target, WebhookSettings parsed) {
        if (parsed.url().getScheme().equalsIgnoreCase("http") && !AdapterSettings.isLoopback(parsed.url().getHost())) {
            LOG.warn("Target {}: settings.url uses plain http to {}; requests and the credentials in answers "
                    + "travel unencrypted, use https", target, parsed.origin());
        }
        if (parsed.secret().getBytes(StandardCharsets.UTF_8).length < SHORT_SECRET_BYTES) {
            LOG.warn("Target {}: settings.secret is shorter than {} bytes; use a random one, "
                    + "e.g. from `openssl rand -hex 32`", target, SHORT_SECRET_BYTES);
        }
        return new WebhookAdapter(target, parsed, clock, sleeper);
    }

}

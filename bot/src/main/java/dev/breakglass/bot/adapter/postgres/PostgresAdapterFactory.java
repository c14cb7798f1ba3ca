package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link PostgresAdapter}s for targets with {@code adapter: postgres}. {@link #create} reads and checks the
 * settings ({@link PostgresSettings#parse}) without touching the network, unless the target sets
 * {@code check-on-start: true}: then it also connects and checks the admin's rights and the roles, and a problem
 * stops the bot.
 *
 * <p>Warnings, not errors: an {@code admin-password} written literally in the policy rather than as
 * {@code ${NAME}}.
 */
@Singleton
public final class PostgresAdapterFactory extends AdapterFactory<PostgresSettings, PostgresAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAdapterFactory.class);

    private final Clock clock;

    /** The bot's factory: the process environment. */
    @Inject
    public PostgresAdapterFactory(Clock clock) {
        this(clock, EnvironmentVariables.system());
    }

    /**
     * @param clock       the bot's clock: a grant whose window already ended by it is refused
     * @param environment where {@code ${NAME}} references are looked up
     */
    public PostgresAdapterFactory(Clock clock, EnvironmentVariables environment) {
        super(TYPE, environment, PostgresSettings::parse);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected PostgresAdapter make(String target, PostgresSettings parsed) {
        if (parsed.adminPasswordLiteral()) {
            LOG.warn("Target {}: settings.admin-password is written in the policy file; write it as ${NAME} and "
                    + "set the environment variable, so the password stays out of the file", target);
        }
        PostgresAdapter adapter = new PostgresAdapter(target, parsed, clock);
        if (parsed.checkOnStart()) {
            adapter.check();
            LOG.info("Target {}: checked {} as {} ({} mode)", target, parsed.url().origin(), parsed.adminUser(),
                    parsed.mode());
        }
        return adapter;
    }
}

package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes {@link MysqlAdapter}s for targets with {@code adapter: mysql} (MySQL and MariaDB). Settings are read and
 * checked in {@link #create}, at start, by {@link MysqlSettings#parse}; {@code ${NAME}} references are resolved
 * then. The server is not contacted at start: a database that is down must not keep the bot from starting, and its
 * trouble shows in the first grant's message.
 *
 * <p>Warnings, not errors: an empty admin password (fine for a local trial, not for production), and a URL to a
 * host other than loopback that does not ask for TLS (every new account's password travels on that connection).
 */
@Singleton
public final class MysqlAdapterFactory extends AdapterFactory<MysqlSettings, MysqlAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "mysql";

    private static final Logger LOG = LoggerFactory.getLogger(MysqlAdapterFactory.class);

    private final Clock clock;
    private final Supplier<String> passwords;

    /** The bot's factory: the process environment. */
    @Inject
    public MysqlAdapterFactory(Clock clock) {
        this(clock, EnvironmentVariables.system());
    }

    /**
     * @param clock       grants whose window has already ended are refused by this clock
     * @param environment where {@code ${NAME}} references are looked up
     */
    public MysqlAdapterFactory(Clock clock, EnvironmentVariables environment) {
        this(clock, environment, new Passwords());
    }

    /** For tests that need to know the password an account gets. */
    MysqlAdapterFactory(Clock clock, EnvironmentVariables environment, Supplier<String> passwords) {
        super(TYPE, environment, MysqlSettings::parse);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
    }

    @Override
    protected MysqlAdapter make(String target, MysqlSettings parsed) {
        if (parsed.adminPassword().isEmpty()) {
            LOG.warn("Target {}: settings.admin-password is empty; give the admin account a password and write it "
                    + "as ${NAME}", target);
        }
        if (!AdapterSettings.isLoopback(parsed.url().host()) && !asksForTls(parsed.url().options())) {
            LOG.warn("Target {}: settings.url does not ask for TLS; each new account's password travels to {} "
                    + "unencrypted unless the server requires TLS. Add ?sslMode=verify-full", target,
                    parsed.url().hostAndPort());
        }
        if (parsed.auditLog().isPresent() && !java.nio.file.Files.isReadable(parsed.auditLog().get())) {
            LOG.warn("Target {}: settings.activity-audit-log {} cannot be read by the bot; until it can, new grants "
                    + "are captured from the general log table or sampled (activity: auto) or not at all (audit-log)",
                    target, parsed.auditLog().get());
        }
        return new MysqlAdapter(target, parsed, clock, passwords);
    }

    /** {@code sslMode} other than {@code disable}, or the older {@code useSsl=true}. */
    private static boolean asksForTls(String options) {
        for (String option : options.split("&")) {
            String[] kv = option.split("=", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            String value = kv.length == 2 ? kv[1].toLowerCase(Locale.ROOT) : "";
            if (key.equals("sslmode") && !value.equals("disable") || key.equals("usessl") && value.equals("true")) {
                return true;
            }
        }
        return false;
    }
}

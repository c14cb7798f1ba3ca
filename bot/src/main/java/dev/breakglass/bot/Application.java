package dev.breakglass.bot;

import dev.breakglass.bot.config.InvalidConfigurationException;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;

import java.util.Optional;

/**
 * Starts the bot: {@code java -jar bot/target/breakglass-bot.jar}; with {@code audit verify} or
 * {@code audit export [file]} it runs {@link dev.breakglass.bot.audit.AuditCli} instead and exits.
 *
 * <p>A configuration mistake (bad policy file, bad setting, broken template override) stops the start with
 * exit code 2 and one line saying what to fix, instead of a wall of bean-creation stack traces.
 */
public final class Application extends Micronaut {
    /** Exit code for "your configuration is wrong". */
    public static final int EXIT_BAD_CONFIGURATION = 2;

    private Application() {
    }

    public static void main(String[] args) {
        // `audit verify|export`: read the audit log from the database and exit, without starting the bot.
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(dev.breakglass.bot.audit.AuditCli.main(args));
        }
        new Application().args(args).mainClass(Application.class).banner(false).start();
    }

    @Override
    protected void handleStartupException(Environment environment, Throwable exception) {
        Optional<InvalidConfigurationException> config = configurationProblem(exception);
        if (config.isPresent()) {
            System.err.println("Breakglass cannot start: " + config.get().getMessage());
            System.exit(EXIT_BAD_CONFIGURATION);
        }
        super.handleStartupException(environment, exception);
    }

    /** The configuration problem somewhere in a start failure's cause chain, if that is what it was. */
    static Optional<InvalidConfigurationException> configurationProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidConfigurationException c) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}

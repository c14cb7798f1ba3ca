package dev.breakglass.bot.adapter.command;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes {@link CommandAdapter}s for targets with {@code adapter: command}. Settings are read and checked in
 * {@link #create}, at start ({@link CommandSettings#parse}): the executable must exist and be executable then, and
 * {@code ${NAME}} references in {@code env} are resolved then.
 *
 * <p>The child's environment is made here, once: {@code PATH} and {@code HOME} from the bot's environment (defaults
 * {@value #DEFAULT_PATH} and the JVM's {@code user.home} when unset), then {@code settings.env}. Nothing else of the
 * bot's environment is passed on: it holds the Slack tokens and the encryption key.
 *
 * <p>Warning, not error: an executable, or a directory holding it, that users other than its owner may write,
 * since whoever can replace it runs their code with the bot's settings.
 */
@Singleton
public final class CommandAdapterFactory extends AdapterFactory<CommandSettings, CommandAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "command";
    /** {@code PATH} when the bot has none. */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private static final Logger LOG = LoggerFactory.getLogger(CommandAdapterFactory.class);

    /** The bot's factory: the process environment. */
    @Inject
    public CommandAdapterFactory() {
        this(EnvironmentVariables.system());
    }

    /** @param environment where {@code ${NAME}} references, {@code PATH} and {@code HOME} are looked up */
    public CommandAdapterFactory(EnvironmentVariables environment) {
        super(TYPE, environment, CommandSettings::parse);
    }

    @Override
    protected CommandAdapter make(String target, CommandSettings parsed) {
        warnIfOthersMayWrite(target, parsed.executable());
        Map<String, String> child = new LinkedHashMap<>();
        child.put("PATH", environment().get("PATH").filter(p -> !p.isEmpty()).orElse(DEFAULT_PATH));
        child.put("HOME", environment().get("HOME").filter(h -> !h.isEmpty())
                .orElse(System.getProperty("user.home", "/")));
        child.putAll(parsed.env());
        return new CommandAdapter(target, parsed, child);
    }

    private static void warnIfOthersMayWrite(String target, Path executable) {
        for (Path p = executable; p != null; p = p.getParent()) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
                boolean sticky = p != executable && Files.isDirectory(p) && isSticky(p);
                if (!sticky && (permissions.contains(PosixFilePermission.GROUP_WRITE)
                        || permissions.contains(PosixFilePermission.OTHERS_WRITE))) {
                    LOG.warn("Target {}: {} is writable by users other than its owner; whoever can change it runs "
                            + "code as the bot with this target's settings", target, p);
                    return;
                }
            } catch (UnsupportedOperationException | IOException e) {
                return; // not a POSIX file system: nothing to say
            }
        }
    }

    /** Sticky directories ({@code /tmp}) let others add files but not replace ours. */
    private static boolean isSticky(Path dir) {
        try {
            Object mode = Files.getAttribute(dir, "unix:mode");
            return mode instanceof Integer m && (m & 01000) != 0;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return false;
        }
    }
}

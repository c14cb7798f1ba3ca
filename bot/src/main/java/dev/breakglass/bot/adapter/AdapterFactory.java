package dev.breakglass.bot.adapter;

import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetAdapterFactory;

import java.util.Map;
import java.util.Objects;

/**
 * The shape of every built-in adapter factory: {@link #create} reads the target's {@code settings} into the
 * adapter's own settings record ({@link #read}, through {@link AdapterSettings}), then makes the adapter from it
 * ({@link #make}: warnings about risky but legal settings, optional checks against the system, the adapter). A
 * factory says only what is particular to its system: its type, how its settings record is read (normally the
 * record's {@code parse}), and how the adapter is made.
 *
 * <p>Every refusal is an {@link IllegalArgumentException} whose message starts with {@code settings.<key>}
 * (normally a {@link dev.breakglass.port.InvalidSettingException}), which the bot reports with the policy file's
 * line ({@code ConfiguredTargets}); plugins implement {@link TargetAdapterFactory} directly and are reported the
 * same way.
 *
 * @param <S> the adapter's settings record
 * @param <A> the adapter
 */
public abstract class AdapterFactory<S, A extends TargetAdapter> implements TargetAdapterFactory {
    private final String type;
    private final EnvironmentVariables environment;
    private final Reader<S> reader;

    /** How a settings record is read from a target's {@code settings} (null counts as empty). */
    @FunctionalInterface
    protected interface Reader<S> {
        S read(Map<String, ?> settings, EnvironmentVariables environment);
    }

    /**
     * @param type        the policy's {@code adapter:} value
     * @param environment where {@code ${NAME}} references are looked up
     * @param reader      reads the settings record, like {@code WebhookSettings::parse}
     */
    protected AdapterFactory(String type, EnvironmentVariables environment, Reader<S> reader) {
        this.type = Objects.requireNonNull(type, "type");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    public final String type() {
        return type;
    }

    /**
     * @throws IllegalArgumentException starting with {@code settings.<key>} when a setting is unknown, missing,
     *                                  mistyped or out of range, names an unset environment variable, or fails a
     *                                  check the adapter makes at start
     */
    @Override
    public final A create(String target, Map<String, Object> settings) {
        Objects.requireNonNull(target, "target");
        return make(target, reader.read(settings, environment));
    }

    /** Where {@code ${NAME}} references (and, for some adapters, {@code PATH} and {@code HOME}) are looked up. */
    protected final EnvironmentVariables environment() {
        return environment;
    }

    /** The adapter for one target from its checked settings; may warn, and may check the system. */
    protected abstract A make(String target, S settings);
}

package dev.breakglass.port;

import java.time.Clock;
import java.util.Map;

/**
 * Makes a plugin's {@link StepUp}: found with {@link java.util.ServiceLoader} in the jars of the plugins folder
 * (listed in {@code META-INF/services/dev.breakglass.port.StepUpFactory}), like {@link TargetAdapterFactory}.
 * The policy picks it with {@code step-up.factor: <type>}.
 */
public interface StepUpFactory {

    /** The name the policy uses in {@code step-up.factor}; lower case, like {@code duo}. */
    String type();

    /**
     * The factor, made once at start.
     *
     * @param settings the policy's {@code step-up.settings} (plain data; {@code ${NAME}} values are kept as written)
     * @param clock    the bot's clock: a factor that checks codes by time uses it, so tests can fix the time
     * @throws IllegalArgumentException when a setting is missing or wrong: the bot does not start, naming it
     */
    StepUp create(Map<String, Object> settings, Clock clock);
}

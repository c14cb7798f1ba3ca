package dev.breakglass.port;

import java.util.Map;

/**
 * Makes {@link TargetAdapter}s of one type ({@code adapter: <type>} in the policy). Built-ins are beans of the
 * bot; plugins are found with {@link java.util.ServiceLoader} from jars in the plugins folder, so a plugin
 * depends on this module alone.
 */
public interface TargetAdapterFactory {

    /** The type name used in the policy file, e.g. {@code webhook}. */
    String type();

    /**
     * An adapter for one target, called once at start for every target of this type.
     *
     * @param target   the target's name in the policy
     * @param settings the target's {@code settings} map exactly as written (strings, numbers, booleans, lists
     *                 and maps); {@code ${ENV}} references are the adapter's to resolve
     * @throws IllegalArgumentException naming the setting when the settings are unusable, so the bot refuses
     *                                  to start with a clear message
     */
    TargetAdapter create(String target, Map<String, Object> settings);
}

package dev.breakglass.port;

import java.util.Objects;

/**
 * One setting of a target's {@code settings} is unusable: what {@link TargetAdapterFactory#create} throws, so that
 * the bot can point at the line of the policy file where the setting is written, as it does for every other policy
 * mistake. Plugins may throw it too; a plain {@link IllegalArgumentException} whose message starts with
 * {@code settings.<field>} is understood the same way.
 *
 * <p>{@link #field()} is the setting's path inside {@code settings}, dotted for nested maps and with {@code [i]}
 * (0-based) for list entries: {@code port}, {@code roles.admin.kind}, {@code roles.read-only[1]}. The message
 * starts with {@code settings.} and that path; it must never contain a secret's value.
 */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * A problem said as {@code settings.<field>: <problem>}.
     *
     * @param field   the setting's path inside {@code settings}, like {@code port}
     * @param problem what is wrong and how to fix it, like {@code 99999 is out of range; write 1 to 65535}
     */
    public InvalidSettingException(String field, String problem) {
        this(field, "settings." + field + ": " + problem, (Void) null);
    }

    private InvalidSettingException(String field, String message, Void phrased) {
        super(message);
        this.field = requireField(field);
    }

    /**
     * A problem whose sentence goes on from the setting's name: {@code phrased("url", " is missing: …")} says
     * {@code settings.url is missing: …}.
     *
     * @param afterField the rest of the sentence, starting with its own separator ({@code " is …"}, {@code ": …"})
     */
    public static InvalidSettingException phrased(String field, String afterField) {
        return new InvalidSettingException(field, "settings." + field + afterField, (Void) null);
    }

    /** The setting's path inside {@code settings}, like {@code roles.admin.kind}. */
    public String field() {
        return field;
    }

    private static String requireField(String field) {
        Objects.requireNonNull(field, "field");
        if (field.isBlank()) {
            throw new IllegalArgumentException("a setting's field must not be blank");
        }
        return field;
    }
}

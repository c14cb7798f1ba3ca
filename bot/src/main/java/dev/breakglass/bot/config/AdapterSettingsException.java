package dev.breakglass.bot.config;

/**
 * A target's adapter refused its {@code settings} at start: the adapter's own message, behind the target and the
 * adapter type, and followed by where the setting is written, as in
 * {@code targets.orders-db (webhook adapter): settings.url: "ftp://…" is not an http(s) URL (at breakglass.yml
 * line 12)}. {@link #field()} is the full path, like {@code targets.orders-db.settings.url}; {@link #line()} is 0
 * only when the policy did not come from a file the bot read (never at a normal start).
 */
public final class AdapterSettingsException extends PolicyException {
    private static final long serialVersionUID = 1L;

    private final String target;
    private final String adapter;

    AdapterSettingsException(String file, int line, String field, String target, String adapter, String problem,
                             Throwable cause) {
        super(file, line, field, problem, "targets." + target + " (" + adapter + " adapter): " + problem
                + (line > 0 ? " (at " + file + " line " + line + ")" : " (in " + file + ")"), cause);
        this.target = target;
        this.adapter = adapter;
    }

    /** The target's name in the policy. */
    public String target() {
        return target;
    }

    /** The adapter type the target names. */
    public String adapter() {
        return adapter;
    }
}

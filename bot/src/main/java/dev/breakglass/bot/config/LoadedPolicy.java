package dev.breakglass.bot.config;

import dev.breakglass.policy.Policy;
import dev.breakglass.port.InvalidSettingException;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy as read from its file, with where each target and each of its settings is written: the policy records
 * carry no positions (the core knows nothing of YAML), so the lines are kept beside them for the one check that
 * happens after reading, the adapters' own look at their {@code settings} at start.
 *
 * @param file  the file as the user named it (or the built-in policy's name), for messages
 * @param lines line (1-based) by field path: {@code targets.orders-db}, {@code targets.orders-db.settings},
 *              {@code targets.orders-db.settings.roles.admin[0]}, …
 */
public record LoadedPolicy(String file, Policy policy, Map<String, Integer> lines) {
    /** {@code settings.<field>} at the start of an adapter's message: up to white space or a colon. */
    private static final Pattern SETTING = Pattern.compile("^settings\\.([^\\s:]+?)[.,;]?(?=[\\s:]|$)");

    public LoadedPolicy {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(policy, "policy");
        lines = Map.copyOf(lines);
    }

    /**
     * What an adapter's refusal of a target's settings becomes: the message it gave, behind the target and the
     * adapter type, with the file and the line of the setting it names.
     *
     * <p>The setting is {@link InvalidSettingException#field()}, or read from a message that starts with
     * {@code settings.<field>} (built-in adapters' wording, and what plugins are asked to write). The line is the
     * setting's own; for a setting that is not written (a missing one) or a field that cannot be found, the line of
     * the nearest written parent ({@code roles.admin.kind} → {@code roles.admin} → {@code roles}), else of
     * {@code settings:}, else of the target. A message that names no setting is reported at {@code settings:}.
     *
     * @param target  the target's name in the policy
     * @param adapter its adapter type, for the message
     * @param refusal what the factory threw
     */
    public AdapterSettingsException settingProblem(String target, String adapter, IllegalArgumentException refusal) {
        String message = String.valueOf(refusal.getMessage());
        String base = "targets." + target;
        String settings = base + ".settings";
        String field = settingOf(refusal).map(f -> settings + "." + f).orElse(settings);
        int line = lineOf(field).or(() -> lineOf(base)).orElse(0);
        return new AdapterSettingsException(file, line, field, target, adapter, message, refusal);
    }

    /** The line of {@code field}, or of its nearest parent that is written; empty when none is. */
    Optional<Integer> lineOf(String field) {
        String f = field;
        while (!f.isEmpty()) {
            Integer line = lines.get(f);
            if (line != null) {
                return Optional.of(line);
            }
            int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
            f = cut < 0 ? "" : f.substring(0, cut);
        }
        return Optional.empty();
    }

    private static Optional<String> settingOf(IllegalArgumentException refusal) {
        if (refusal instanceof InvalidSettingException invalid) {
            return Optional.of(invalid.field());
        }
        Matcher m = SETTING.matcher(String.valueOf(refusal.getMessage()));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}

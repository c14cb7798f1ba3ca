package dev.breakglass.bot.config;

import java.util.Objects;

/**
 * A policy file that cannot be used, said so a person can fix it: the file, the line, the field and the problem,
 * as in {@code breakglass.yml line 12: targets.orders-db.max-duration: "2x" is not a duration (use …)}.
 *
 * <p>{@link #line()} is 1-based and 0 when no line applies (the file is missing or unreadable).
 * {@link #field()} is the dotted path of the value in policy-file keys, with {@code [i]} (0-based) for list
 * entries, like {@code targets.orders-db.approvers[1]}; empty when the problem is not about one field (a YAML
 * syntax error, an empty file). The message is complete on its own; the cause, when there is one, is only for
 * debugging.
 */
public class PolicyException extends InvalidConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;
    private final String problem;

    /**
     * @param file    the file as the user named it (or the built-in policy's name)
     * @param line    1-based line, 0 for none
     * @param field   dotted path of the field, empty for none
     * @param problem what is wrong and how to fix it
     */
    public PolicyException(String file, int line, String field, String problem) {
        this(file, line, field, problem, null);
    }

    public PolicyException(String file, int line, String field, String problem, Throwable cause) {
        this(file, line, field, problem, format(file, line, field, problem), cause);
    }

    /** For subclasses that word the whole message their own way; the parts stay available. */
    protected PolicyException(String file, int line, String field, String problem, String message, Throwable cause) {
        super(message, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.field = field == null ? "" : field;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The file as the user named it, like {@code breakglass.yml} or {@code /etc/breakglass/policy.yml}. */
    public String file() {
        return file;
    }

    /** 1-based line of the offending node; 0 when no line applies. */
    public int line() {
        return line;
    }

    /** Dotted path of the offending field, like {@code targets.orders-db.max-duration}; empty when none. */
    public String field() {
        return field;
    }

    /** The problem alone, without file, line and field. */
    public String problem() {
        return problem;
    }

    private static String format(String file, int line, String field, String problem) {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(" line ").append(line);
        }
        out.append(": ");
        if (field != null && !field.isEmpty()) {
            out.append(field).append(": ");
        }
        return out.append(problem).toString();
    }
}

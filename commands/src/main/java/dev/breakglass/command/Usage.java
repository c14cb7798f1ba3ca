package dev.breakglass.command;

import java.util.Objects;

/**
 * How to type one subcommand: the syntax, not its meaning (what it does is worded in {@code templates/help.mustache},
 * which names each subcommand by {@link #name}).
 *
 * @param name the subcommand's keyword, or {@code open} for the bare {@code /breakglass}; not blank
 * @param form how to type it, like {@code /breakglass status <id>}; not blank
 */
public record Usage(String name, String form) {
    public Usage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(form, "form");
        if (name.isBlank() || form.isBlank()) {
            throw new IllegalArgumentException("a usage needs a name and a form");
        }
    }
}

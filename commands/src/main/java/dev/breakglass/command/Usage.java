package dev.breakglass.command;

import java.util.Objects;

/**
 * One line of the help text.
 *
 * @param form    how to type it, like {@code /breakglass status <id>}; not blank
 * @param meaning what it does, a short lower-case phrase without a final period; not blank
 */
public record Usage(String form, String meaning) {
    public Usage {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(meaning, "meaning");
        if (form.isBlank() || meaning.isBlank()) {
            throw new IllegalArgumentException("a usage needs a form and a meaning");
        }
    }
}

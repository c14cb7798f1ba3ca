package dev.breakglass.bot.adapter.postgres;

import java.util.Arrays;
import java.util.Optional;

/** How a postgres target hands out access ({@code settings.mode}). */
public enum PostgresMode {
    /** A login role of its own per grant, dropped at revoke. The default. */
    PER_GRANT("per-grant"),
    /** One dedicated break-glass account, enabled with a fresh password per grant and disabled at revoke. */
    SHARED_ACCOUNT("shared-account");

    private final String text;

    PostgresMode(String text) {
        this.text = text;
    }

    /** The setting's value, and what handles store. */
    public String text() {
        return text;
    }

    /** The mode written as {@code text}, exactly (lower case); empty for anything else. */
    public static Optional<PostgresMode> of(String text) {
        return Arrays.stream(values()).filter(m -> m.text.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return text;
    }
}

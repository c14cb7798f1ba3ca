package dev.breakglass.bot.adapter;

import java.util.List;
import java.util.Map;

/** How adapter settings messages describe values, the same way for every adapter. */
public final class SettingText {
    private static final int SHOWN = 80;

    private SettingText() {
    }

    /** What a settings value is, for "expected a list, got …": "empty", "a number", "true/false", "text", … */
    public static String kind(Object value) {
        if (value == null) {
            return "empty";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "true/false";
        }
        if (value instanceof Map) {
            return "a map";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof String) {
            return "text";
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** Quoted and cut to 80 characters, so a pasted blob does not flood the message. */
    public static String quote(String text) {
        String shown = text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
        return '"' + shown + '"';
    }
}

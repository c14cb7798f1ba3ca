package dev.breakglass.grant;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The five post-mortem questions, in the order the form and the thread ask them. */
public enum ReviewQuestion {
    NECESSARY("Was break glass necessary?"),
    JUSTIFIED("Were the actions justified and within the incident response plan?"),
    DURATION("Was the duration right?"),
    NORMAL_ACCESS("Could a normal access request have served?"),
    CONCERNS("Any policy violations or suspicious activity?");

    private final String text;

    ReviewQuestion(String text) {
        this.text = text;
    }

    /** The question as people read it. */
    public String text() {
        return text;
    }

    /** A stable name for forms and storage: lower case with dashes, like {@code normal-access}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The question stored as {@code key}; empty for a key this build does not know. */
    public static Optional<ReviewQuestion> byKey(String key) {
        return Arrays.stream(values()).filter(q -> q.key().equals(key)).findFirst();
    }
}

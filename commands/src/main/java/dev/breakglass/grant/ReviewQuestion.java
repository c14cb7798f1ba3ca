package dev.breakglass.grant;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The five post-mortem questions, in the order the form and the thread ask them. Their words are the sections of
 * {@code templates/reply-question.mustache}, one per question, named like {@code normalAccess}.
 */
public enum ReviewQuestion {
    NECESSARY,
    JUSTIFIED,
    DURATION,
    NORMAL_ACCESS,
    CONCERNS;

    /** The question as people read it. */
    public Reply text() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder camel = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return Reply.named("question." + camel);
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

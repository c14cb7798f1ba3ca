package dev.breakglass.grant;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The post-mortem questions, in the order the form and the thread ask them. Their words are the sections of
 * {@code templates/reply-question.mustache}, one per question, named like {@code normalAccess}. {@link #KIND} is
 * asked only about a grant that named an emergency kind ({@link #askedAbout}); the other five always.
 */
public enum ReviewQuestion {
    NECESSARY,
    JUSTIFIED,
    DURATION,
    NORMAL_ACCESS,
    CONCERNS,
    /** Was the emergency kind the request named the right one? Only for a grant that named one. */
    KIND;

    /** The questions asked about {@code grant}, in order: the five, and {@link #KIND} when it named a kind. */
    public static List<ReviewQuestion> askedAbout(Grant grant) {
        return asked(grant.kind().isPresent());
    }

    /** The questions asked, in order: the five, and {@link #KIND} when {@code withKind}. */
    public static List<ReviewQuestion> asked(boolean withKind) {
        return Arrays.stream(values()).filter(q -> withKind || q != KIND).toList();
    }

    /** The question as people read it. */
    public Reply text() {
        return Reply.word("question", this);
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

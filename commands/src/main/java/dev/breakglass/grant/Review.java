package dev.breakglass.grant;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The requester's written post-mortem: an answer to every {@link ReviewQuestion}.
 *
 * <p>Edge cases: answers are stripped; every question needs one, blank is refused and so is one longer than
 * {@link #MAX_ANSWER_LENGTH} characters (code points, like every limit the bot counts); the map iterates in
 * question order whatever order it was given in.
 *
 * @param author    who wrote it (the grant's requester)
 * @param writtenAt when it was submitted
 * @param answers   one answer per question, in question order; unmodifiable
 */
public record Review(String author, Instant writtenAt, Map<ReviewQuestion, String> answers) {
    /** Longest answer kept, in characters: what one Slack input takes. */
    public static final int MAX_ANSWER_LENGTH = 3000;

    public Review {
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Map<ReviewQuestion, String> problems = problems(answers);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a complete review: " + problems);
        }
        EnumMap<ReviewQuestion, String> stripped = new EnumMap<>(ReviewQuestion.class);
        answers.forEach((q, a) -> stripped.put(q, a.strip()));
        answers = Collections.unmodifiableMap(stripped);
    }

    /**
     * What is wrong with these answers, per question, in question order; empty when they make a review.
     * {@code answers} may be null or miss questions (each missing one is a problem).
     */
    public static Map<ReviewQuestion, String> problems(Map<ReviewQuestion, String> answers) {
        Map<ReviewQuestion, String> problems = new LinkedHashMap<>();
        for (ReviewQuestion q : ReviewQuestion.values()) {
            String a = answers == null || answers.get(q) == null ? "" : answers.get(q).strip();
            if (a.isEmpty()) {
                problems.put(q, "Answer this question; a short answer is fine.");
            } else if (a.codePointCount(0, a.length()) > MAX_ANSWER_LENGTH) {
                problems.put(q, "Keep this answer within " + MAX_ANSWER_LENGTH + " characters.");
            }
        }
        return problems;
    }
}

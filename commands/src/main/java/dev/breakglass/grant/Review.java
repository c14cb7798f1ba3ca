package dev.breakglass.grant;

import dev.breakglass.command.FreeText;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The requester's written post-mortem: an answer to every {@link ReviewQuestion}.
 *
 * <p>Edge cases: answers are stripped; every question needs one that passes {@link FreeText#REVIEW_ANSWER} (blank,
 * longer than {@link #MAX_ANSWER_LENGTH} characters, or with hidden control or bidi characters is refused); the
 * map iterates in question order whatever order it was given in.
 *
 * @param author    who wrote it (the grant's requester)
 * @param writtenAt when it was submitted
 * @param answers   one answer per question, in question order; unmodifiable
 */
public record Review(String author, Instant writtenAt, Map<ReviewQuestion, String> answers) {
    /** Longest answer kept, in characters: what one Slack input takes. */
    public static final int MAX_ANSWER_LENGTH = FreeText.REVIEW_ANSWER.maxLength();

    public Review {
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Map<ReviewQuestion, Reply> problems = problems(answers);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a complete review: " + problems.keySet());
        }
        EnumMap<ReviewQuestion, String> stripped = new EnumMap<>(ReviewQuestion.class);
        answers.forEach((q, a) -> stripped.put(q, a.strip()));
        answers = Collections.unmodifiableMap(stripped);
    }

    /**
     * What is wrong with these answers, per question, in question order; empty when they make a review.
     * {@code answers} may be null or miss questions (each missing one is a problem).
     */
    public static Map<ReviewQuestion, Reply> problems(Map<ReviewQuestion, String> answers) {
        Map<ReviewQuestion, Reply> problems = new LinkedHashMap<>();
        for (ReviewQuestion q : ReviewQuestion.values()) {
            FreeText.REVIEW_ANSWER.problem(answers == null ? null : answers.get(q)).ifPresent(p -> problems.put(q, p));
        }
        return problems;
    }
}

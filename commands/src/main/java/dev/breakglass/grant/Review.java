package dev.breakglass.grant;

import dev.breakglass.command.FreeText;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requester's written post-mortem: an answer to every {@link ReviewQuestion} asked about the grant.
 *
 * <p>Edge cases: answers are stripped; every question asked needs one (the kind question counts as asked when it is
 * answered; whether a grant needs it is {@link ReviewQuestion#askedAbout}'s to say) that passes {@link FreeText#REVIEW_ANSWER} (blank,
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
        if (answers == null || !problems.isEmpty()) {
            throw new IllegalArgumentException("not a complete review: " + problems.keySet());
        }
        EnumMap<ReviewQuestion, String> stripped = new EnumMap<>(ReviewQuestion.class);
        answers.forEach((q, a) -> stripped.put(q, a.strip()));
        answers = Collections.unmodifiableMap(stripped);
    }

    /**
     * What is wrong with these answers, per question, in question order; empty when they make a review. The kind
     * question is checked when it is answered. {@code answers} may be null or miss questions (each missing one is a
     * problem).
     */
    public static Map<ReviewQuestion, Reply> problems(Map<ReviewQuestion, String> answers) {
        return problems(answers, ReviewQuestion.asked(answers != null && answers.containsKey(ReviewQuestion.KIND)));
    }

    /** What is wrong with these answers to the questions {@code asked}, per question, in question order. */
    public static Map<ReviewQuestion, Reply> problems(Map<ReviewQuestion, String> answers, List<ReviewQuestion> asked) {
        Map<ReviewQuestion, Reply> problems = new LinkedHashMap<>();
        for (ReviewQuestion q : asked) {
            FreeText.REVIEW_ANSWER.problem(answers == null ? null : answers.get(q)).ifPresent(p -> problems.put(q, p));
        }
        return problems;
    }
}

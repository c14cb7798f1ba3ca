package dev.breakglass.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The policy's {@code activity:} rules: which actions under a grant are flagged (highlighted in the live feed and
 * sent to the security channel at once).
 *
 * <p>A flag pattern is a phrase, not a regular expression: {@code DROP}, {@code ALTER ROLE}, {@code rm -rf},
 * {@code kubectl delete}. It matches case-insensitively, any run of spaces in the pattern matches any run of
 * white space in the text (so {@code ALTER   ROLE} and a line break between the words match too), and a pattern
 * that starts or ends with a letter or digit only matches whole words there ({@code DROP} flags
 * {@code drop table} but not {@code dropped_rows}; {@code rm -rf} flags {@code rm -rf /} and {@code rm -rf*}).
 *
 * <p>Rules (each refused with an {@link InvalidPolicyException} naming the field):
 * <ul>
 *   <li>a pattern has 1..{@value #MAX_PATTERN} characters, is not blank and has no line break;</li>
 *   <li>no list names the same pattern twice (ignoring case and spacing);</li>
 *   <li>a target's patterns add to the global ones, they do not replace them.</li>
 * </ul>
 *
 * @param flag       patterns flagged on every target
 * @param targetFlag patterns flagged on one target, by target name
 */
public record ActivityPolicy(List<String> flag, Map<String, List<String>> targetFlag) {
    /** No patterns: nothing is flagged. */
    public static final ActivityPolicy NONE = new ActivityPolicy(List.of(), Map.of());
    /** Longest pattern. */
    public static final int MAX_PATTERN = 100;

    public ActivityPolicy {
        flag = checked(flag, List.of("flag"));
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (targetFlag != null) {
            for (Map.Entry<String, List<String>> e : targetFlag.entrySet()) {
                copy.put(e.getKey(), checked(e.getValue(), List.of("targets", String.valueOf(e.getKey()), "activity",
                        "flag")));
            }
        }
        targetFlag = Collections.unmodifiableMap(copy);
    }

    /**
     * Why {@code pattern} cannot be a flag pattern, or empty when it can.
     */
    public static Optional<String> problem(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return Optional.of("a flag pattern is empty: write a word or phrase, like DROP or rm -rf");
        }
        if (pattern.length() > MAX_PATTERN) {
            return Optional.of("a flag pattern is " + pattern.length() + " characters long; at most " + MAX_PATTERN);
        }
        if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
            return Optional.of("a flag pattern must be on one line");
        }
        return Optional.empty();
    }

    /** The pattern's identity for duplicate checks: lower case, single spaces, trimmed. */
    public static String normal(String pattern) {
        return pattern.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * The first pattern (the target's first, then the global ones) that {@code detail} matches on
     * {@code target}; empty when none does or {@code detail} is null.
     */
    public Optional<String> flagged(String target, String detail) {
        if (detail == null || detail.isEmpty()) {
            return Optional.empty();
        }
        List<String> patterns = new ArrayList<>(targetFlag.getOrDefault(target, List.of()));
        patterns.addAll(flag);
        for (String p : patterns) {
            if (compile(p).matcher(detail).find()) {
                return Optional.of(p.trim());
            }
        }
        return Optional.empty();
    }

    private static Pattern compile(String pattern) {
        String[] words = pattern.trim().split("\\s+");
        StringBuilder regex = new StringBuilder();
        String trimmed = pattern.trim();
        if (Character.isLetterOrDigit(trimmed.charAt(0))) {
            regex.append("(?<![\\p{L}\\p{N}_])");
        }
        for (int i = 0; i < words.length; i++) {
            regex.append(i == 0 ? "" : "\\s+").append(Pattern.quote(words[i]));
        }
        if (Character.isLetterOrDigit(trimmed.charAt(trimmed.length() - 1))) {
            regex.append("(?![\\p{L}\\p{N}_])");
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static List<String> checked(List<String> patterns, List<String> field) {
        if (patterns == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            List<String> at = new ArrayList<>(field);
            at.add("[" + i + "]");
            String p = patterns.get(i);
            Optional<String> problem = problem(p);
            if (problem.isPresent()) {
                throw new InvalidPolicyException(at, problem.get());
            }
            if (!seen.add(normal(p))) {
                throw new InvalidPolicyException(at, "flag lists \"" + p.trim() + "\" twice");
            }
        }
        return List.copyOf(patterns);
    }
}

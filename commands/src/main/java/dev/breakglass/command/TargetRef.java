package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a request asks access to: a target, as named in the policy file, and optionally one of its roles. Written
 * {@code orders-db} or {@code orders-db:admin}.
 *
 * <p>Names use ASCII letters and digits, {@code -}, {@code _} and {@code .}, start with a letter or digit and are
 * at most {@value #MAX_NAME_LENGTH} characters long. Only ASCII is accepted, so that a look-alike letter from
 * another script can never name a different target. Case is kept as typed; whether {@code Orders-DB} is
 * {@code orders-db} is for the policy to say. No role means the target's default role.
 *
 * @param target the target's name
 * @param role   the role's name, or empty for the target's default role
 */
public record TargetRef(String target, Optional<String> role) {
    /** The longest target or role name. */
    public static final int MAX_NAME_LENGTH = 63;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /**
     * @throws IllegalArgumentException when a name breaks the rules above
     * @throws NullPointerException     when {@code target} or {@code role} is null
     */
    public TargetRef {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(role, "role");
        if (!isValidName(target)) {
            throw new IllegalArgumentException("invalid target name: " + Text.quote(target));
        }
        if (role.isPresent() && !isValidName(role.get())) {
            throw new IllegalArgumentException("invalid role name: " + Text.quote(role.get()));
        }
    }

    /** A target with its default role. */
    public static TargetRef of(String target) {
        return new TargetRef(target, Optional.empty());
    }

    /** A target with an explicit role. */
    public static TargetRef of(String target, String role) {
        return new TargetRef(target, Optional.of(role));
    }

    /** True when {@code name} is a valid target or role name; false for null. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Reads {@code <target>} or {@code <target>:<role>}, exactly (no surrounding spaces); empty when it is anything
     * else, including {@code orders-db:} (a colon with no role) and {@code a:b:c}. Never throws.
     */
    public static Optional<TargetRef> parse(String text) {
        return problem(text).isPresent() ? Optional.empty() : Optional.of(split(text));
    }

    /**
     * Why {@link #parse} refuses {@code text}, a reply that says how to write it (user text quoted and cut to 40
     * characters; words in {@code templates/reply-target.mustache}); empty when {@code parse} accepts it. Never
     * throws.
     */
    public static Optional<Reply> problem(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.of(Reply.named("target.missing"));
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
            return Optional.of(Reply.named("target.manyColons", "shown", Text.quote(text)));
        }
        if (colon == 0) {
            return Optional.of(Reply.named("target.noTarget", "shown", Text.quote(text)));
        }
        if (colon == text.length() - 1) {
            return Optional.of(Reply.named("target.noRole", "shown", Text.quote(text)));
        }
        String target = colon < 0 ? text : text.substring(0, colon);
        Optional<Reply> problem = nameProblem(false, target);
        if (problem.isEmpty() && colon >= 0) {
            problem = nameProblem(true, text.substring(colon + 1));
        }
        return problem;
    }

    /** {@code orders-db} or {@code orders-db:admin}: what {@link #parse} reads. */
    @Override
    public String toString() {
        return role.map(r -> target + ":" + r).orElse(target);
    }

    private static TargetRef split(String text) {
        int colon = text.indexOf(':');
        return colon < 0 ? of(text) : of(text.substring(0, colon), text.substring(colon + 1));
    }

    private static Optional<Reply> nameProblem(boolean role, String name) {
        if (isValidName(name)) {
            return Optional.empty();
        }
        String shown = Text.quote(name);
        Reply rule = Reply.named("target.nameRule", "max", MAX_NAME_LENGTH);
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!isAsciiLetterOrDigit(cp) && cp != '-' && cp != '_' && cp != '.') {
                return Optional.of(Reply.named("target.badCharacter", "role", role, "shown", shown,
                        "character", Text.describe(cp), "rule", rule));
            }
            i += Character.charCount(cp);
        }
        if (!isAsciiLetterOrDigit(name.charAt(0))) {
            return Optional.of(Reply.named("target.badStart", "role", role, "shown", shown,
                    "character", Text.describe(name.charAt(0)), "rule", rule));
        }
        int length = Text.length(name);
        return Optional.of(Reply.named("target.overMax", "role", role, "shown", shown, "length", length,
                "max", MAX_NAME_LENGTH));
    }

    private static boolean isAsciiLetterOrDigit(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
}

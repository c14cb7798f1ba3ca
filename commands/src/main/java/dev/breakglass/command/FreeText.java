package dev.breakglass.command;

import dev.breakglass.grant.Reply;

import java.util.Optional;

/**
 * The rules for one free-text field that people read in Slack: justifications, deny reasons, incident references,
 * revoke reasons, resolve notes, review answers. Every field gets the same checks, only its bounds and wording
 * differ: length in characters (Unicode code points, after trimming surrounding white space), refused rather than
 * truncated; no control characters other than white space, unpaired surrogates, or bidirectional embedding,
 * override and isolate controls, which hide or garble what others read. Everything else, newlines and emoji
 * included, is kept as typed. Escaping for Slack happens where the text is shown, never here.
 *
 * <p>An optional field (a revoke reason, an incident reference) is checked only when it is not blank; callers
 * decide that, since "missing" is a problem for required fields.
 *
 * <p>The field's words live in {@code templates/reply-text.mustache}: its label is the section {@code name}, and the
 * sentence on what good text says is the section {@code <name>Hint} (given {@code min} and {@code max}).
 *
 * @param name      the field, a word like {@code denyReason} that names its words
 * @param minLength at least 1
 * @param maxLength at least {@code minLength}
 */
public record FreeText(String name, int minLength, int maxLength) {
    // before the fields below: their construction reads it
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][A-Za-z]*");

    /** Why an approver denies a request or an extension; the requester reads it. */
    public static final FreeText DENY_REASON = new FreeText("denyReason", 1, 3000);
    /** Why access is ended early; optional. */
    public static final FreeText REVOKE_REASON = new FreeText("revokeReason", 1, 3000);
    /** A revoker's note on a failed revocation resolved by hand; optional. */
    public static final FreeText RESOLVE_NOTE = new FreeText("resolveNote", 1, 1000);
    /** The incident a request belongs to; optional. */
    public static final FreeText INCIDENT = new FreeText("incident", 1, 200);
    /** One answer of a post-mortem review. */
    public static final FreeText REVIEW_ANSWER = new FreeText("reviewAnswer", 1, 3000);

    public FreeText {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a free-text field needs a name like denyReason, not " + name);
        }
        if (minLength < 1) {
            throw new IllegalArgumentException("min-length must be at least 1, not " + minLength);
        }
        if (maxLength < minLength) {
            throw new IllegalArgumentException(
                    "max-length (" + maxLength + ") must be at least min-length (" + minLength + ")");
        }
    }

    /**
     * What is wrong with {@code text}, a reply that gives the limit, the actual length and how to fix it; empty
     * when it is acceptable. Null or blank text is "missing". Never throws.
     */
    public Optional<Reply> problem(String text) {
        return Text.freeTextProblem(this, text);
    }

    /** What the field is, as its problems name it ("reason", "incident reference"). */
    public Reply label() {
        return Reply.named("text." + name);
    }

    /** One sentence on what good text says, added to "missing" and "too short" problems. */
    public Reply hint() {
        return Reply.named("text." + name + "Hint", "min", minLength, "max", maxLength);
    }

    /** {@code text} without surrounding white space (any Unicode white space); never null. */
    public static String strip(String text) {
        return Text.strip(text);
    }
}

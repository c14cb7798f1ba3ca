package dev.breakglass.command;

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
 * @param label     what the text is, for messages: "reason", "incident reference"
 * @param minLength at least 1
 * @param maxLength at least {@code minLength}
 * @param hint      one sentence on what good text says, added to "missing" and "too short" messages
 */
public record FreeText(String label, int minLength, int maxLength, String hint) {
    /** Why an approver denies a request or an extension; the requester reads it. */
    public static final FreeText DENY_REASON = new FreeText("reason", 1, 3000,
            "Say why you deny it: the requester reads your reason.");
    /** Why access is ended early; optional. */
    public static final FreeText REVOKE_REASON = new FreeText("reason", 1, 3000, "Say why, or leave it out.");
    /** A revoker's note on a failed revocation resolved by hand; optional. */
    public static final FreeText RESOLVE_NOTE = new FreeText("note", 1, 1000,
            "Say how you confirmed the access is gone.");
    /** The incident a request belongs to; optional. */
    public static final FreeText INCIDENT = new FreeText("incident reference", 1, 200,
            "Give the ticket id or link.");
    /** One answer of a post-mortem review. */
    public static final FreeText REVIEW_ANSWER = new FreeText("answer", 1, 3000,
            "Answer this question; a short answer is fine.");

    public FreeText {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a free-text field needs a label");
        }
        if (minLength < 1) {
            throw new IllegalArgumentException("min-length must be at least 1, not " + minLength);
        }
        if (maxLength < minLength) {
            throw new IllegalArgumentException(
                    "max-length (" + maxLength + ") must be at least min-length (" + minLength + ")");
        }
        hint = hint == null ? "" : hint;
    }

    /**
     * What is wrong with {@code text}, as one or two sentences for the user that give the limit, the actual length
     * and how to fix it; empty when it is acceptable. Null or blank text is "missing". Never throws.
     */
    public Optional<String> problem(String text) {
        return Text.freeTextProblem(label, text, minLength, maxLength, hint);
    }

    /** {@code text} without surrounding white space (any Unicode white space); never null. */
    public static String strip(String text) {
        return Text.strip(text);
    }
}

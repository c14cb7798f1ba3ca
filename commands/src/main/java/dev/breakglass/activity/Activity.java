package dev.breakglass.activity;

import dev.breakglass.grant.GrantId;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One action done under a grant: a statement run, a command typed, a login.
 *
 * <p>The detail is masked on construction ({@link SecretMask#mask}), so an {@code Activity} can never carry a
 * password literal or a token and whatever stores or shows one keeps only masked text. Masking twice changes
 * nothing, so an activity read back from storage is equal to the one stored.
 *
 * <p>Rules (each refused with an {@link IllegalArgumentException} naming the field):
 * <ul>
 *   <li>{@code actor}: 1..{@value #MAX_ACTOR} characters, no line breaks (it is who the target says acted,
 *       e.g. the grant's database role).</li>
 *   <li>{@code action}: the kind, like {@code statement}, {@code login}, {@code command}: a letter first, then
 *       letters, digits, {@code -}, {@code _}, {@code .}; at most {@value #MAX_ACTION}; kept lower-case.</li>
 *   <li>{@code detail}: may be empty (a login has none), at most {@value #MAX_DETAIL} characters once masked (so
 *       what is stored always reads back). Longer text is refused, not cut: a cut could end inside a literal and
 *       leave half a secret.</li>
 *   <li>{@code source}: where it was read, like {@code postgres-log}, {@code pg_stat_activity}, {@code ingest};
 *       same form as {@code action}.</li>
 * </ul>
 *
 * @param grant        the grant the action was done under
 * @param at           when the target says it happened
 * @param actor        who acted, as the target names them
 * @param action       the kind of action
 * @param detail       what was done, secrets masked
 * @param source       which capture saw it
 * @param completeness whether that capture sees everything
 */
public record Activity(GrantId grant, Instant at, String actor, String action, String detail, String source,
                       Completeness completeness) {
    /** Longest actor. */
    public static final int MAX_ACTOR = 200;
    /** Longest action kind. */
    public static final int MAX_ACTION = 64;
    /** Longest detail, once masked. */
    public static final int MAX_DETAIL = 16_000;

    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9._-]{0," + (MAX_ACTION - 1) + "}");

    public Activity {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(completeness, "completeness");
        if (actor == null || actor.isBlank() || actor.length() > MAX_ACTOR || actor.matches("(?s).*[\\r\\n].*")) {
            throw new IllegalArgumentException("actor must be 1 to " + MAX_ACTOR + " characters on one line");
        }
        action = word(action, "action");
        source = word(source, "source");
        if (detail == null) {
            detail = "";
        }
        detail = SecretMask.mask(detail);
        if (detail.length() > MAX_DETAIL) {
            throw new IllegalArgumentException("detail is " + detail.length() + " characters; at most " + MAX_DETAIL);
        }
    }

    /**
     * SHA-256 (lower-case hex) of the activity's fields, each length-prefixed so that no two activities share a
     * text: what the audit chain keeps instead of the statement, so the chain proves the stored activity was not
     * changed without carrying its text.
     */
    public String digest() {
        StringBuilder canonical = new StringBuilder();
        for (String field : new String[] {grant.toString(), at.toString(), actor, action, detail, source,
                completeness.word()}) {
            canonical.append(field.length()).append(':').append(field).append('\n');
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String word(String value, String field) {
        String lower = value == null ? "" : value.toLowerCase(java.util.Locale.ROOT);
        if (!WORD.matcher(lower).matches()) {
            throw new IllegalArgumentException(field + " must be a letter then letters, digits, -, _ or ., at most "
                    + MAX_ACTION + " characters");
        }
        return lower;
    }
}

package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signed statement that the audit log held entry {@code seq} with hash {@code head}, published outside the
 * database (the security channel, the SIEM) so that cutting the tail, resetting the head or rewriting the chain
 * afterwards shows in {@code audit verify --checkpoint}.
 *
 * <p>One line of text: {@code breakglass-audit-checkpoint v1 seq=42 head=<64 hex> sig=<64 hex>}, where
 * {@code sig = hex(HMAC-SHA256(audit key, "breakglass-audit-checkpoint v1 seq=42 head=<64 hex>"))}. Edge cases:
 * {@link #parse} accepts the line with surrounding white space or backticks (as copied from Slack) and refuses
 * anything else with a message saying what is wrong; a checkpoint made with another key parses but is not
 * {@link #signedWith} this one.
 *
 * @param seq       the entry the checkpoint vouches for (≥ 1)
 * @param head      that entry's hash
 * @param signature the HMAC over the rest of the line
 */
public record Checkpoint(long seq, String head, String signature) {
    /** What every checkpoint line starts with. */
    public static final String PREFIX = "breakglass-audit-checkpoint v1";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(PREFIX)
            + " seq=([1-9][0-9]{0,17}) head=([0-9a-f]{64}) sig=([0-9a-f]{64})");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Checkpoint {
        if (seq < 1) {
            throw new IllegalArgumentException("a checkpoint names an entry, from 1");
        }
        if (head == null || !HEX64.matcher(head).matches() || signature == null
                || !HEX64.matcher(signature).matches()) {
            throw new IllegalArgumentException("a checkpoint's head and signature are 64 lower-case hex digits");
        }
    }

    /** The checkpoint for entry {@code seq} with hash {@code head}, signed with {@code key}. */
    public static Checkpoint sign(AuditKey key, long seq, String head) {
        return new Checkpoint(seq, head, key.mac(signed(seq, head)));
    }

    /**
     * Reads a published line.
     *
     * @throws IllegalArgumentException saying what a checkpoint looks like (never echoing more than the line)
     */
    public static Checkpoint parse(String line) {
        String text = line == null ? "" : line.strip();
        while (text.length() >= 2 && text.startsWith("`") && text.endsWith("`")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint: expected one line like \"" + PREFIX
                    + " seq=42 head=<64 hex digits> sig=<64 hex digits>\", as the bot published it");
        }
        return new Checkpoint(Long.parseLong(m.group(1)), m.group(2), m.group(3));
    }

    /** Whether {@code key} made this signature (compared in constant time). */
    public boolean signedWith(AuditKey key) {
        return MessageDigest.isEqual(key.mac(signed(seq, head)).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    /** The line as published. */
    public String line() {
        return signed(seq, head) + " sig=" + signature;
    }

    private static String signed(long seq, String head) {
        return PREFIX + " seq=" + seq + " head=" + head;
    }

    @Override
    public String toString() {
        return line();
    }
}

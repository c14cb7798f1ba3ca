package dev.breakglass.bot.audit;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.config.AuditKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hash chain: the canonical form of an entry and the link rule, shared by appending and verifying.
 *
 * <p>Canonical JSON: the fields {@code seq, at, grant, type, actor, details}, keys sorted at every level, no
 * whitespace, {@code at} as ISO-8601 UTC with nanoseconds as stored. A keyed entry's
 * {@code hash = hex(HMAC-SHA256(audit key, prevHash + canonical))}; a plain entry's (written before the log was keyed)
 * {@code hash = hex(SHA-256(prevHash + canonical))}.
 *
 * <p>Where keying begins: at the first entry whose hash is its keyed hash — seq 1 for a log started keyed, the
 * {@value #KEYED_MARKER} marker for a log that had plain entries before. Every entry after it must be keyed, and a
 * log with entries must have one keyed entry, so rewriting any part of it without the key (even all of it, as a
 * plain chain) fails {@link #verify}. What the key cannot show — the tail cut off and the head reset — is what
 * a published {@link Checkpoint} shows.
 */
public final class AuditChain {
    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    /** The type of the entry that ends the plain part of a chain begun before keying (grant 0, actor system). */
    public static final String KEYED_MARKER = "AuditKeyed";
    private static final ObjectMapper JSON = JsonMappers.canonical();

    private AuditChain() {
    }

    /** The canonical JSON of an entry's content (everything but the hashes). */
    public static String canonical(long seq, Instant at, long grant, String type, String actor, Map<String, Object> details) {
        Map<String, Object> content = new TreeMap<>();
        content.put("seq", seq);
        content.put("at", at.toString());
        content.put("grant", "BG-" + grant);
        content.put("type", type);
        content.put("actor", actor);
        content.put("details", new TreeMap<>(details));
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain values: " + e.getMessage(), e);
        }
    }

    /** The plain link (entries written before the log was keyed). */
    public static String hash(String prevHash, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The keyed link, used for every new entry. */
    public static String keyedHash(AuditKey key, String prevHash, String canonical) {
        return key.mac(prevHash + canonical);
    }

    /** One entry as a JSON Lines record: its content plus both hashes. */
    public static String jsonLine(AuditEntry e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("seq", e.seq());
        line.put("at", e.at().toString());
        line.put("grant", "BG-" + e.grant());
        line.put("type", e.type());
        line.put("actor", e.actor());
        line.put("details", e.details());
        line.put("prev_hash", e.prevHash());
        line.put("hash", e.hash());
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException(e1);
        }
    }

    /** Where the chain breaks first, or empty when every link holds. */
    public record Break(long seq, String grant, String type, String problem) {
        @Override
        public String toString() {
            return "entry " + seq + " (" + grant + " " + type + "): " + problem;
        }
    }

    /**
     * Checks entries in order against the keyed rule (plain before keying began), against the head (the last seq
     * and hash the log recorded) and, when given, against a checkpoint. Names the first entry that was changed,
     * inserted or deleted, or the checkpoint the log no longer holds.
     *
     * @param checkpoint a checkpoint published earlier; its signature is checked with {@code key} first
     */
    public static Optional<Break> verify(List<AuditEntry> entries, long headSeq, String headHash, AuditKey key,
                                         Optional<Checkpoint> checkpoint) {
        if (checkpoint.isPresent() && !checkpoint.get().signedWith(key)) {
            return Optional.of(new Break(checkpoint.get().seq(), "-", "-", "the checkpoint's signature does not match "
                    + "this audit key (fingerprint " + key.fingerprint() + "): it was not published by this bot, "
                    + "or the line was changed"));
        }
        String prev = GENESIS;
        long expectedSeq = 1;
        boolean keyed = false;
        boolean checkpointSeen = false;
        for (AuditEntry e : entries) {
            String grant = "BG-" + e.grant();
            if (e.seq() != expectedSeq) {
                return Optional.of(new Break(e.seq(), grant, e.type(), "expected entry " + expectedSeq
                        + " here: an entry was deleted or inserted"));
            }
            if (!e.prevHash().equals(prev)) {
                return Optional.of(new Break(e.seq(), grant, e.type(), "its previous hash does not match entry "
                        + (e.seq() - 1) + ": an entry was removed, inserted or changed before it"));
            }
            String canonical = canonical(e.seq(), e.at(), e.grant(), e.type(), e.actor(), e.details());
            if (keyedHash(key, prev, canonical).equals(e.hash())) {
                keyed = true;
            } else if (keyed || !hash(prev, canonical).equals(e.hash())) {
                return Optional.of(new Break(e.seq(), grant, e.type(), "its content does not match its "
                        + (keyed ? "keyed " : "") + "hash: it was changed" + (keyed ? " or rewritten without the "
                        + "audit key" : " (or it was written with another audit key than " + key.fingerprint() + ")")));
            }
            if (checkpoint.isPresent() && e.seq() == checkpoint.get().seq()) {
                if (!e.hash().equals(checkpoint.get().head())) {
                    return Optional.of(new Break(e.seq(), grant, e.type(), "it is not the entry the checkpoint "
                            + "recorded: the chain was rewritten from here or earlier"));
                }
                checkpointSeen = true;
            }
            prev = e.hash();
            expectedSeq++;
        }
        if (!entries.isEmpty() && !keyed) {
            return Optional.of(new Break(1, "-", "-", "no entry is keyed with audit key " + key.fingerprint()
                    + ": the log was rewritten without the key, or it was kept with another key"));
        }
        if (expectedSeq - 1 != headSeq || !prev.equals(headHash)) {
            return Optional.of(new Break(expectedSeq, "-", "-", "the log ends at entry " + (expectedSeq - 1)
                    + " but recorded entry " + headSeq + " as its last: entries at the end were removed"));
        }
        if (checkpoint.isPresent() && !checkpointSeen) {
            return Optional.of(new Break(checkpoint.get().seq(), "-", "-", "the log ends at entry " + (expectedSeq - 1)
                    + " but the checkpoint recorded entry " + checkpoint.get().seq()
                    + ": entries at the end were removed and the head reset"));
        }
        return Optional.empty();
    }
}

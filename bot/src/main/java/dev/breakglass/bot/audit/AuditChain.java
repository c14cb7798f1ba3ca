package dev.breakglass.bot.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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
 * whitespace, {@code at} as ISO-8601 UTC with nanoseconds as stored. {@code hash = hex(SHA-256(prevHash + canonical))}.
 */
public final class AuditChain {
    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

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

    public static String hash(String prevHash, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
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
     * Checks entries in order against the rule and against the head (the last seq and hash the log recorded).
     * Names the first entry that was changed, inserted or deleted.
     */
    public static Optional<Break> verify(List<AuditEntry> entries, long headSeq, String headHash) {
        String prev = GENESIS;
        long expectedSeq = 1;
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
            String recomputed = hash(prev, canonical(e.seq(), e.at(), e.grant(), e.type(), e.actor(), e.details()));
            if (!recomputed.equals(e.hash())) {
                return Optional.of(new Break(e.seq(), grant, e.type(), "its content does not match its hash: it was "
                        + "changed"));
            }
            prev = e.hash();
            expectedSeq++;
        }
        if (expectedSeq - 1 != headSeq || !prev.equals(headHash)) {
            return Optional.of(new Break(expectedSeq, "-", "-", "the log ends at entry " + (expectedSeq - 1)
                    + " but recorded entry " + headSeq + " as its last: entries at the end were removed"));
        }
        return Optional.empty();
    }
}

package dev.breakglass.port;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Secret values for the requester (user name, password, connection string, certificate…), shown only in the
 * one-time Reveal modal and encrypted at rest until then. {@link #toString()} never prints the values, so a
 * stray log line cannot leak them.
 *
 * @param fields label → value, in display order
 */
public record Credentials(Map<String, String> fields) {
    public Credentials {
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("credentials without any field");
        }
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * A short fingerprint of the values (first 16 hex digits of SHA-256 over the labels and values, each
     * length-prefixed): lets the audit trail say which credentials were issued without holding them. A bare digest
     * of a short password can be brute-forced, so it is not stored as is: the bot keys it (HMAC with its audit key)
     * before writing it to the audit log.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : fields.entrySet()) {
                for (String part : new String[] {e.getKey(), e.getValue()}) {
                    byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
                    sha.update(bytes);
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials" + fields.keySet() + " (values hidden)";
    }
}

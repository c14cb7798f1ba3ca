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

    /**
     * Why these credentials cannot be stored, naming the field but never showing a value; empty when they can.
     * Labels and values must be valid Unicode: an unpaired surrogate (text an adapter decoded wrongly, or cut in
     * the middle of a character) cannot be encoded, so it would be lost or changed at rest.
     */
    public java.util.Optional<String> problem() {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!validUnicode(e.getKey())) {
                return java.util.Optional.of("a credential label is not valid Unicode text");
            }
            if (e.getValue() == null) {
                return java.util.Optional.of("the credential \"" + e.getKey() + "\" has no value");
            }
            if (!validUnicode(e.getValue())) {
                return java.util.Optional.of("the credential \"" + e.getKey() + "\" is not valid Unicode text");
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean validUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Credentials" + fields.keySet() + " (values hidden)";
    }
}

package dev.breakglass.bot.config;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The 256-bit key of the audit log: it keys the hash chain (HMAC-SHA256), signs the published checkpoints and keys
 * the credentials fingerprints written to the log. It is never written to the database, so a database admin can
 * neither forge entries nor checkpoints. Where it comes from, in order (the same mechanism as
 * {@link EncryptionKey}, see {@link KeyFile}):
 * <ol>
 *   <li>{@code BREAKGLASS_AUDIT_KEY}: the base64 of exactly 32 bytes ({@code openssl rand -base64 32}). Every
 *       replica sharing a database needs the same key.</li>
 *   <li>Otherwise the key file {@value #FILE_NAME} in the data folder: 32 raw bytes, created owner-only on first
 *       start and never replaced. Its base64 is a valid {@code BREAKGLASS_AUDIT_KEY}.</li>
 * </ol>
 * Edge cases: losing the key does not stop the bot (a new key file is created only when none exists), but the
 * entries and checkpoints made with the old key no longer verify: back the key up apart from the database. The
 * command line ({@link #forVerifying}) never creates a key file. {@link #toString()} and {@link #describe()} show the
 * origin and a {@link #fingerprint()}, never the key. Immutable and thread-safe.
 */
public final class AuditKey {
    /** The environment variable holding the key (base64 of 32 bytes). */
    public static final String ENVIRONMENT_VARIABLE = "BREAKGLASS_AUDIT_KEY";
    /** The key file's name in the data folder. */
    public static final String FILE_NAME = "audit.key";
    private static final KeyFile KEY_FILE = new KeyFile(ENVIRONMENT_VARIABLE, FILE_NAME, "audit key",
            "Restore it from a backup: entries and checkpoints made with the old key do not verify with a new one");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String origin;

    private AuditKey(byte[] bytes, String origin) {
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        this.origin = origin;
    }

    /**
     * The key as configured for the bot: {@code environmentValue} when not blank, else the key file in
     * {@code dataFolder}, created when missing.
     *
     * @throws InvalidConfigurationException naming the variable or the file and what to do, without key material
     */
    public static AuditKey resolve(String environmentValue, Path dataFolder) {
        return load(environmentValue, dataFolder, true);
    }

    /** Like {@link #resolve}, but a missing key file is an {@link InvalidConfigurationException}, never created. */
    public static AuditKey forVerifying(String environmentValue, Path dataFolder) {
        return load(environmentValue, dataFolder, false);
    }

    private static AuditKey load(String environmentValue, Path dataFolder, boolean create) {
        if (environmentValue != null && !environmentValue.isBlank()) {
            byte[] bytes = KEY_FILE.decode(environmentValue);
            try {
                return new AuditKey(bytes, "from " + ENVIRONMENT_VARIABLE);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        KeyFile.Loaded loaded = KEY_FILE.load(dataFolder, create);
        try {
            return new AuditKey(loaded.bytes(), "from key file " + loaded.file()
                    + (loaded.created() ? " (created now: back it up apart from the database)" : ""));
        } finally {
            Arrays.fill(loaded.bytes(), (byte) 0);
        }
    }

    /** A key from 32 bytes (copied): tests and set-ups that manage keys themselves. */
    public static AuditKey of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != KeyFile.LENGTH) {
            throw new IllegalArgumentException("an audit key has " + KeyFile.LENGTH + " bytes, not " + bytes.length);
        }
        return new AuditKey(bytes.clone(), "in memory only");
    }

    /** A fresh random key that lives only in memory. */
    public static AuditKey random() {
        byte[] bytes = new byte[KeyFile.LENGTH];
        RANDOM.nextBytes(bytes);
        return new AuditKey(bytes, "in memory only");
    }

    /** Hex HMAC-SHA256 of {@code text} (UTF-8). Callers put a distinct label in front of each kind of text. */
    public String mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The audit log's fingerprint of issued credentials: 16 hex digits of the HMAC of the core's bare digest
     * ({@code Credentials#fingerprint()}). The bare digest of a short password can be brute-forced; this cannot
     * without the key, yet the same credentials under the same key give the same value.
     */
    public String credentialsFingerprint(String digest) {
        return mac("breakglass credentials fingerprint\0" + digest).substring(0, 16);
    }

    /** 16 hex digits naming the key without revealing it: compare across replicas and with the log's marker. */
    public String fingerprint() {
        return mac("breakglass audit key fingerprint").substring(0, 16);
    }

    /** For the start-up log: where the key came from and its fingerprint. */
    public String describe() {
        return "audit key " + origin + ", fingerprint " + fingerprint();
    }

    @Override
    public String toString() {
        return "AuditKey[" + origin + ", fingerprint " + fingerprint() + "]";
    }
}

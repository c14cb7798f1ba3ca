package dev.breakglass.bot.adapter.sshcert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The certificate authority: its private key file ({@code settings.ca-key}), which only ssh-keygen reads, and its
 * public key, derived from the private key with {@code ssh-keygen -y} at start.
 *
 * <p>Deriving, rather than trusting the {@code .pub} beside the key, proves at start that the key is a private
 * key ssh-keygen can use (right format, not readable by others, passphrase right). When a {@code .pub} is beside
 * it, it must be the same key: hosts are configured from that file, and a CA they do not trust would issue
 * certificates that open nothing.
 *
 * @param privateKey  the CA's private key file
 * @param publicKey   one line, {@code <type> <base64>} (the comment dropped)
 * @param fingerprint {@code SHA256:<base64>}, as {@code ssh-keygen -l} and sshd's log show it
 */
record CaKey(Path privateKey, String publicKey, String fingerprint) {
    /** The start of a public key or certificate line: what people give by mistake for the private key. */
    private static final Pattern PUBLIC_LINE = Pattern.compile("(?s)\\s*(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+ AAAA.*");

    CaKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** The result of {@link #load}: the key, and whether a passphrase was given that it does not need. */
    record Loaded(CaKey key, boolean passphraseUnused) {
    }

    /**
     * Checks the CA key file and derives its public key.
     *
     * @throws IllegalArgumentException naming {@code settings.ca-key} (or {@code settings.ca-key-passphrase},
     *                                  {@code settings.ssh-keygen}) when the file is missing, unreadable, a public
     *                                  key, not a key, encrypted without a passphrase, or disagrees with its
     *                                  {@code .pub}; or when the passphrase is wrong or ssh-keygen cannot run
     */
    static Loaded load(Path file, SshKeygen keygen, Path workBase) {
        String shown = dev.breakglass.bot.adapter.SettingText.quote(file.toString());
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("settings.ca-key: " + shown + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("settings.ca-key: " + shown + " is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("settings.ca-key: " + shown + " is not readable by the bot's user ("
                    + System.getProperty("user.name") + ")");
        }
        if (looksPublic(file)) {
            throw new IllegalArgumentException("settings.ca-key: " + shown + " is a public key or certificate; "
                    + "give the CA's private key (the file without .pub)");
        }
        try (PrivateDir dir = PrivateDir.create(workBase, "bg-ssh-ca-")) {
            String line;
            boolean unused = false;
            try {
                // Without the passphrase first: tells an unencrypted key from an encrypted one.
                line = keygen.withoutPassphrase().publicKeyOf(file, dir);
                unused = keygen.hasPassphrase();
            } catch (ExternalProcess.Failure f) {
                if (!f.getMessage().contains("incorrect passphrase")) {
                    throw f;
                }
                if (!keygen.hasPassphrase()) {
                    throw new IllegalArgumentException("settings.ca-key: " + shown + " is encrypted; set "
                            + "settings.ca-key-passphrase to a ${NAME} reference holding its passphrase");
                }
                try {
                    line = keygen.publicKeyOf(file, dir);
                } catch (ExternalProcess.Failure wrong) {
                    if (wrong.getMessage().contains("incorrect passphrase")) {
                        throw new IllegalArgumentException("settings.ca-key-passphrase: the passphrase does not "
                                + "decrypt settings.ca-key " + shown);
                    }
                    throw wrong;
                }
            }
            CaKey key = new CaKey(file, typeAndBlob(line), fingerprintOf(line));
            key.checkPublicFileBeside();
            return new Loaded(key, unused);
        } catch (ExternalProcess.Failure f) {
            if (f.notStarted()) {
                throw new IllegalArgumentException("settings.ssh-keygen: " + f.getMessage());
            }
            throw new IllegalArgumentException("settings.ca-key: ssh-keygen cannot use " + shown + " as a CA key: "
                    + f.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("settings.ca-key: cannot make a private working directory in "
                    + workBase + ": " + e.getMessage());
        }
    }

    /** Writes the public key to {@code file} (for {@code ssh-keygen -k -s}). */
    void writePublicKey(Path file) throws ExternalProcess.Failure {
        SshKeygen.write(file, publicKey + "\n");
    }

    /**
     * {@code SHA256:} and the unpadded base64 of the SHA-256 of the key's blob, exactly as OpenSSH prints it.
     *
     * @param publicKeyLine {@code <type> <base64> [comment]}
     */
    static String fingerprintOf(String publicKeyLine) {
        String[] parts = publicKeyLine.strip().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a public key line");
        }
        try {
            byte[] blob = Base64.getDecoder().decode(parts[1]);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private void checkPublicFileBeside() {
        Path pub = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        if (!Files.isRegularFile(pub) || !Files.isReadable(pub)) {
            return;
        }
        String beside;
        try {
            beside = Files.readString(pub, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return; // Unreadable after all: nothing to compare; the derived key is the truth.
        }
        if (!typeAndBlob(beside).equals(publicKey)) {
            throw new IllegalArgumentException("settings.ca-key: " + dev.breakglass.bot.adapter.SettingText.quote(pub.toString())
                    + " beside it is not its public key (it is " + safeFingerprint(beside) + ", the private key is "
                    + fingerprint + "); hosts trust what is in the .pub, so fix or remove it");
        }
    }

    private static String safeFingerprint(String line) {
        try {
            return fingerprintOf(line);
        } catch (IllegalArgumentException e) {
            return "not a public key";
        }
    }

    private static String typeAndBlob(String line) {
        String[] parts = line.strip().split("\\s+");
        return parts.length < 2 ? line.strip() : parts[0] + " " + parts[1];
    }

    private static boolean looksPublic(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(100);
            return PUBLIC_LINE.matcher(new String(Arrays.copyOf(head, head.length), StandardCharsets.ISO_8859_1))
                    .matches();
        } catch (IOException e) {
            return false;
        }
    }
}

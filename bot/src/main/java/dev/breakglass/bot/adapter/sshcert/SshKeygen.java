package dev.breakglass.bot.adapter.sshcert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * OpenSSH's own {@code ssh-keygen}, run for every key, certificate and KRL operation: the adapter never parses or
 * writes SSH key formats itself, so what it issues and revokes is exactly what {@code sshd} understands.
 *
 * <p>The CA key's passphrase, when there is one, reaches ssh-keygen through {@code SSH_ASKPASS}: a two-line
 * script in the operation's private directory prints an environment variable of the ssh-keygen process. So the
 * passphrase is never on a command line (which every local user can read in {@code ps}), never in a file, and
 * never typed: {@code SSH_ASKPASS_REQUIRE=force} also keeps ssh-keygen from prompting on the bot's terminal,
 * where it would wait until the deadline. Without a passphrase, askpass is {@code /bin/false}: an encrypted key
 * then fails at once with "incorrect passphrase".
 *
 * <p>Every call has a deadline of {@link #TIMEOUT}; messages are ssh-keygen's own, cleaned up
 * ({@link ExternalProcess#summary}), and never contain the passphrase or a private key.
 */
final class SshKeygen {
    /** Each call: key generation (RSA 3072 included) and signing take well under a second. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The variable of the ssh-keygen process that holds the CA key's passphrase. */
    static final String PASSPHRASE_VARIABLE = "BREAKGLASS_SSH_CA_PASSPHRASE";
    /** ssh-keygen's UTC time notation for {@code -V} (a trailing Z; times without it are local). */
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String ASKPASS_SCRIPT = "#!/bin/sh\nprintf '%s\\n' \"$" + PASSPHRASE_VARIABLE + "\"\n";

    private final String program;
    private final Optional<String> passphrase;

    /**
     * @param program    the ssh-keygen to run: a path, or a name looked up on the bot's {@code PATH}
     * @param passphrase the CA key's passphrase, if it is encrypted
     */
    SshKeygen(String program, Optional<String> passphrase) {
        this.program = Objects.requireNonNull(program, "program");
        this.passphrase = Objects.requireNonNull(passphrase, "passphrase");
    }

    String program() {
        return program;
    }

    boolean hasPassphrase() {
        return passphrase.isPresent();
    }

    /** The same ssh-keygen without the passphrase: to find out whether a key needs one. */
    SshKeygen withoutPassphrase() {
        return new SshKeygen(program, Optional.empty());
    }

    /**
     * The public key of a private key file ({@code -y}): one line, {@code <type> <base64> [comment]}.
     *
     * @throws ExternalProcess.Failure when it is not a private key, is encrypted and the passphrase is missing or
     *                                 wrong, or is readable by others (ssh-keygen refuses such keys)
     */
    String publicKeyOf(Path privateKey, PrivateDir dir) throws ExternalProcess.Failure {
        ExternalProcess.Result r = run(dir, "-y", "-f", privateKey.toString());
        String line = r.stdout().strip();
        if (r.exitCode() != 0 || line.isEmpty() || line.contains("\n")) {
            throw new ExternalProcess.Failure(r.problem());
        }
        return line;
    }

    /** A new key pair without passphrase: {@code file} (private, mode 0600) and {@code file.pub}. */
    void generate(KeyType type, String comment, Path file, PrivateDir dir) throws ExternalProcess.Failure {
        List<String> args = new ArrayList<>(List.of("-q"));
        args.addAll(type.arguments());
        args.addAll(List.of("-N", "", "-C", comment, "-f", file.toString()));
        check(run(dir, args), "generating a key pair");
    }

    /**
     * Signs {@code publicKey} with the CA ({@code -s}), giving {@code <name>-cert.pub} beside it.
     *
     * @return the certificate file
     */
    Path sign(Path caKey, Path publicKey, CertificateSpec spec, PrivateDir dir) throws ExternalProcess.Failure {
        List<String> args = new ArrayList<>(List.of("-q", "-s", caKey.toString(), "-I", spec.keyId(),
                "-n", String.join(",", spec.principals()),
                "-V", UTC.format(spec.validAfter()) + ":" + UTC.format(spec.validBefore()),
                "-z", Long.toString(spec.serial()),
                // Clear ssh-keygen's default extensions (pty, forwarding, user rc): only what the policy says.
                "-O", "clear"));
        for (String extension : spec.extensions()) {
            args.add("-O");
            args.add(extension);
        }
        args.add(publicKey.toString());
        check(run(dir, args), "signing the certificate");
        String name = publicKey.getFileName().toString();
        Path cert = publicKey.resolveSibling(name.substring(0, name.length() - ".pub".length()) + "-cert.pub");
        if (!Files.isRegularFile(cert)) {
            throw new ExternalProcess.Failure(program + " reported success but wrote no certificate");
        }
        return cert;
    }

    /**
     * Whether {@code krl} revokes the key or certificate in {@code file} ({@code -Q}), as sshd would decide.
     *
     * @throws ExternalProcess.Failure when the KRL cannot be read or is not a KRL
     */
    boolean revokes(Path krl, Path file, PrivateDir dir) throws ExternalProcess.Failure {
        ExternalProcess.Result r = run(dir, "-Q", "-f", krl.toString(), file.toString());
        // -Q exits 0 when nothing is revoked, 1 when something is (and prints REVOKED), 255 on errors.
        if (r.exitCode() == 0) {
            return false;
        }
        if (r.exitCode() == 1 && r.stdout().contains("REVOKED")) {
            return true;
        }
        throw new ExternalProcess.Failure(r.problem());
    }

    /** Writes an empty KRL to {@code file} ({@code -k}), replacing it. */
    void createKrl(Path file, PrivateDir dir) throws ExternalProcess.Failure {
        check(run(dir, "-k", "-f", file.toString()), "writing an empty KRL");
    }

    /**
     * Adds {@code serial: <serial>} under the CA to the KRL in {@code krl}, in place ({@code -k -u}); what it
     * already holds stays.
     */
    void revokeSerial(Path krl, Path caPublicKey, long serial, PrivateDir dir) throws ExternalProcess.Failure {
        Path spec = dir.resolve("revoke-" + serial + ".spec");
        write(spec, "serial: " + serial + "\n");
        check(run(dir, "-k", "-u", "-s", caPublicKey.toString(), "-f", krl.toString(), spec.toString()),
                "updating the KRL");
    }

    /** Reads {@code krl} as a KRL ({@code -Q -l}), failing when it is none. */
    void checkKrl(Path krl, PrivateDir dir) throws ExternalProcess.Failure {
        ExternalProcess.Result r = run(dir, "-Q", "-l", "-f", krl.toString());
        if (r.exitCode() != 0) {
            throw new ExternalProcess.Failure(r.problem());
        }
    }

    /** Writes {@code text} to a new file readable by the bot's user only. */
    static void write(Path file, String text) throws ExternalProcess.Failure {
        try {
            Files.writeString(Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), text,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot write " + file.getFileName() + ": " + e.getMessage());
        }
    }

    private void check(ExternalProcess.Result r, String what) throws ExternalProcess.Failure {
        if (r.exitCode() != 0) {
            throw new ExternalProcess.Failure(what + " failed: " + r.problem());
        }
    }

    private ExternalProcess.Result run(PrivateDir dir, String... args) throws ExternalProcess.Failure {
        return run(dir, List.of(args));
    }

    private ExternalProcess.Result run(PrivateDir dir, List<String> args) throws ExternalProcess.Failure {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(program);
        command.addAll(args);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin"));
        env.put("LC_ALL", "C");
        env.put("SSH_ASKPASS_REQUIRE", "force");
        if (passphrase.isPresent()) {
            env.put("SSH_ASKPASS", askpass(dir).toString());
            env.put(PASSPHRASE_VARIABLE, passphrase.get());
        } else {
            env.put("SSH_ASKPASS", "/bin/false");
        }
        return ExternalProcess.run(command, env, TIMEOUT, dir);
    }

    /** The askpass script in {@code dir}, written once per directory; it holds no secret. */
    private static Path askpass(PrivateDir dir) throws ExternalProcess.Failure {
        Path script = dir.resolve("askpass");
        if (Files.exists(script)) {
            return script;
        }
        try {
            Files.writeString(Files.createFile(script,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))),
                    ASKPASS_SCRIPT, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot write the askpass script: " + e.getMessage());
        }
        return script;
    }

    @Override
    public String toString() {
        return "SshKeygen[" + program + (passphrase.isPresent() ? ", passphrase (hidden)" : "") + "]";
    }

    /**
     * What one certificate says.
     *
     * @param validAfter  first second of validity (inclusive)
     * @param validBefore end of validity (exclusive, as sshd checks it)
     */
    record CertificateSpec(String keyId, List<String> principals, Instant validAfter, Instant validBefore,
                           long serial, List<String> extensions) {
        CertificateSpec {
            Objects.requireNonNull(keyId, "keyId");
            principals = List.copyOf(principals);
            Objects.requireNonNull(validAfter, "validAfter");
            Objects.requireNonNull(validBefore, "validBefore");
            extensions = List.copyOf(extensions);
            if (principals.isEmpty()) {
                // An empty list would make a certificate valid for every user.
                throw new IllegalArgumentException("a certificate needs at least one principal");
            }
            if (!validBefore.isAfter(validAfter)) {
                throw new IllegalArgumentException("validity ends before it starts");
            }
            if (serial <= 0) {
                throw new IllegalArgumentException("serial must be positive");
            }
        }
    }
}

package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' own use of OpenSSH's tools, independent of the adapter's code: making CAs, reading certificates with
 * {@code ssh-keygen -L}, asking {@code ssh-keygen -Q} about a KRL.
 */
final class SshTools {
    private SshTools() {
    }

    /** What a program printed, both streams together, and how it exited. */
    record Output(int exit, String text) {
    }

    /** Runs a program to its end (60 s at most), in UTC so that ssh-keygen -L prints UTC times. */
    static Output run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("TZ", "UTC");
            builder.environment().put("SSH_ASKPASS_REQUIRE", "never");
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Output run(String... command) {
        return run(List.of(command));
    }

    /** A new ed25519 CA key pair {@code dir/name} and {@code dir/name.pub}, with a passphrase unless empty. */
    static Path newCa(Path dir, String name, String passphrase) {
        Path key = dir.resolve(name);
        Output o = run("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "test-ca " + name,
                "-f", key.toString());
        if (o.exit() != 0) {
            throw new AssertionError("ssh-keygen failed: " + o.text());
        }
        return key;
    }

    /** The fingerprint ssh-keygen -l prints for a key file. */
    static String fingerprint(Path publicKey) {
        Output o = run("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString());
        return o.text().split("\\s+")[1];
    }

    /** Writes text to a new file with mode 0600 (ssh refuses private keys others can read). */
    static Path writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
        return file;
    }

    /** Whether {@code ssh-keygen -Q} says the KRL revokes the certificate. */
    static boolean revoked(Path krl, Path cert) {
        Output o = run("ssh-keygen", "-Q", "-f", krl.toString(), cert.toString());
        if (o.exit() == 0) {
            return false;
        }
        if (o.exit() == 1 && o.text().contains("REVOKED")) {
            return true;
        }
        throw new AssertionError("ssh-keygen -Q failed: " + o.text());
    }

    /** What {@code ssh-keygen -L} shows of a certificate. */
    record Certificate(String keyId, long serial, Instant validFrom, Instant validTo, List<String> principals,
                       List<String> extensions, String signingCa, String type, String publicKey) {
    }

    static Certificate inspect(Path cert) {
        Output o = run("ssh-keygen", "-L", "-f", cert.toString());
        if (o.exit() != 0) {
            throw new AssertionError("ssh-keygen -L failed: " + o.text());
        }
        String text = o.text();
        Matcher valid = Pattern.compile("Valid: from (\\S+) to (\\S+)").matcher(text);
        if (!valid.find()) {
            throw new AssertionError("no validity in: " + text);
        }
        return new Certificate(
                group(text, "Key ID: \"(.*)\""),
                Long.parseLong(group(text, "Serial: (\\d+)")),
                LocalDateTime.parse(valid.group(1)).toInstant(ZoneOffset.UTC),
                LocalDateTime.parse(valid.group(2)).toInstant(ZoneOffset.UTC),
                block(text, "Principals"), block(text, "Extensions"),
                group(text, "Signing CA: \\S+ (SHA256:\\S+)"),
                group(text, "Type: (\\S+)"),
                group(text, "Public key: \\S+ (SHA256:\\S+)"));
    }

    /** The indented lines under a heading of ssh-keygen -L. */
    private static List<String> block(String text, String heading) {
        List<String> items = new ArrayList<>();
        boolean in = false;
        for (String line : text.lines().toList()) {
            if (line.strip().startsWith(heading + ":")) {
                in = !line.strip().endsWith("(none)");
                continue;
            }
            if (in) {
                if (line.startsWith("                ")) {
                    items.add(line.strip());
                } else {
                    break;
                }
            }
        }
        return items;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + regex + " in: " + text);
        }
        return m.group(1);
    }

    static GrantRequest request(long id, Optional<String> role, Instant expiresAt) {
        return new GrantRequest(new GrantId(id), "prod-ssh", role, "U0ALICE", Optional.of("alice@example.com"),
                expiresAt, "INC-42: disk full on the orders hosts, need a shell");
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}

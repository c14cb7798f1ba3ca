package dev.breakglass.bot.adapter.sshcert;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on 127.0.0.1 and a free port, configured as a host of the fleet would be: it trusts the
 * test CA ({@code TrustedUserCAKeys}), reads the adapter's KRL ({@code RevokedKeys}) and accepts keys only through
 * certificates. Runs as a child of the test ({@code sshd -D -e}), logging to a file in its directory.
 *
 * <p>Without {@code /usr/sbin/sshd} the tests that need it are skipped with the reason, unless
 * {@code BREAKGLASS_TEST_SSHD_REQUIRED=true} (CI), where they fail instead.
 */
final class TestSshd implements AutoCloseable {
    /** The server; {@code -Dbreakglass.test.sshd=…} points elsewhere (or nowhere, to see the skip). */
    static final Path SSHD = Path.of(System.getProperty("breakglass.test.sshd", "/usr/sbin/sshd"));
    /** sshd refuses to start without its privilege separation directory (Debian makes it at service start). */
    static final Path PRIVSEP_DIR = Path.of("/run/sshd");
    static final String REQUIRED = "BREAKGLASS_TEST_SSHD_REQUIRED";

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;

    private TestSshd(Process process, int port, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /** Skips the test (or fails it, in CI) when no sshd can run here. */
    static void require() {
        String reason = null;
        if (!Files.isExecutable(SSHD)) {
            reason = SSHD + " is not installed (Debian: apt-get install openssh-server)";
        } else if (!Files.isDirectory(PRIVSEP_DIR)) {
            try {
                Files.createDirectories(PRIVSEP_DIR);
                Files.setPosixFilePermissions(PRIVSEP_DIR, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException | UnsupportedOperationException e) {
                reason = "sshd needs " + PRIVSEP_DIR + ", which cannot be created here (" + e.getMessage() + ")";
            }
        }
        if (reason == null && !SshTools.isRoot()) {
            reason = "sshd logins as another user need root; this runs as " + System.getProperty("user.name");
        }
        if (reason != null) {
            if (Boolean.parseBoolean(System.getenv(REQUIRED))) {
                throw new AssertionError(reason + " and " + REQUIRED + "=true");
            }
            System.err.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
    }

    /**
     * Starts sshd for the CA and KRL, logging in as {@code root}.
     *
     * @param extraConfig more sshd_config lines, e.g. an {@code AuthorizedPrincipalsFile}
     */
    static TestSshd start(Path dir, Path caPublicKey, Path krl, List<String> extraConfig) throws IOException {
        require();
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        SshTools.Output keygen = SshTools.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        if (keygen.exit() != 0) {
            throw new AssertionError("host key: " + keygen.text());
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> config = new ArrayList<>(List.of(
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + hostKey,
                    "PidFile " + dir.resolve("sshd.pid"),
                    "TrustedUserCAKeys " + caPublicKey,
                    "RevokedKeys " + krl,
                    "AuthorizedKeysFile none",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    "StrictModes no",
                    "UsePAM no",
                    "ExposeAuthInfo yes",
                    "LogLevel VERBOSE"));
            config.addAll(extraConfig);
            if (extraConfig.stream().noneMatch(l -> l.startsWith("AuthorizedPrincipalsFile"))) {
                config.add("AuthorizedPrincipalsFile none");
            }
            Path configFile = Files.write(dir.resolve("sshd_config"), config);
            Path log = dir.resolve("sshd-" + port + ".log");
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", configFile.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            TestSshd sshd = new TestSshd(p, port, dir, log);
            if (sshd.awaitListening(Duration.ofSeconds(10))) {
                return sshd;
            }
            String text = sshd.log();
            sshd.close();
            last = new IOException("sshd did not start on port " + port + ": " + text);
            if (!text.contains("Address already in use")) {
                break;
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    /** The file sshd logs to ({@code sshd -e}, redirected): lines without a time or pid, as {@code sshd -E} writes. */
    Path logFile() {
        return log;
    }

    /** What sshd logged so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The ssh client command for a key and certificate, running {@code remote} on the server as root. */
    List<String> ssh(Path key, Path cert, String remote) {
        return List.of("ssh", "-F", "/dev/null", "-i", key.toString(), "-o", "CertificateFile=" + cert,
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "LogLevel=ERROR", "-p", Integer.toString(port), "root@127.0.0.1", remote);
    }

    /** Whether {@code ssh … root@127.0.0.1 true} gets in; the client's output is kept for messages. */
    SshTools.Output login(Path key, Path cert) {
        return SshTools.run(ssh(key, cert, "true"));
    }

    private boolean awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                sleep(50);
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        // The listener only: sessions it forked are the tests' to end (and end with their clients).
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestSshd[127.0.0.1:" + port + ", " + dir + "]";
    }
}

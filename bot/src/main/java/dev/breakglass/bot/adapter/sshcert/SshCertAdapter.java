package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ssh-cert} target: each grant is a fresh key pair with an OpenSSH user certificate signed by the
 * target's CA, valid until the end of the grant's window; revoking puts the certificate's serial into the KRL that
 * the hosts' sshd reads. See {@code docs/adapters-ssh-cert.md}.
 *
 * <p>The certificate: key id {@code breakglass:BG-7:U0ALICE}, serial = the grant's number (7), the role's
 * principals, valid from one minute before now (hosts whose clocks lag a little still accept it) until
 * {@link GrantRequest#expiresAt()} rounded down to the second, so it dies by itself even if the bot is down, and
 * the configured extensions only.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@link #grant} twice for one grant id (a provisioning job re-run after a crash) issues a second key pair
 *       and certificate with the <em>same serial</em>: the first pair was never shown to anyone, and the one KRL
 *       entry that revoke adds revokes both. A grant whose serial the KRL already revokes fails: a revoked grant
 *       is never issued again. A window that has already ended fails. Nothing is left behind on failure: the key
 *       pair only ever exists in a private temporary directory, deleted before {@code grant} returns.</li>
 *   <li>{@link #revoke} is idempotent: a serial already in the KRL leaves the file untouched. It ends live sessions
 *       only through {@code session-kill-command}, which runs on every revoke; without it, sessions opened before
 *       the revoke live on (a KRL is checked at login only).</li>
 *   <li>{@link #verifyRevoked} holds no certificate (the adapter keeps none), so it signs a throwaway certificate
 *       with the same CA and serial, one that could never log in (expired in 2000, a principal nobody has), and
 *       asks {@code ssh-keygen -Q} whether the KRL revokes it: the very check sshd makes at login, by OpenSSH's
 *       own code, for every certificate of that serial.</li>
 *   <li>A CA replaced since the grant: the handle names the CA that signed. Revoking under the new CA would not
 *       stop the old certificate, so revoke fails with a message saying what to do by hand, unless the
 *       certificate has expired, in which case there is nothing left to revoke.</li>
 * </ul>
 * Exception messages and logs name the grant, target, serial, key id, CA fingerprint and KRL path: never a
 * private key, certificate or passphrase. The adapter is thread-safe.
 */
public final class SshCertAdapter implements TargetAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SshCertAdapter.class);

    /** How far a certificate's validity starts before now, for hosts whose clocks lag. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** The principal of throwaway certificates: a name no host maps to a user. */
    static final String PROBE_PRINCIPAL = "breakglass-krl-probe-never-valid";
    /** Throwaway certificates expired long ago: useless as a login even if one leaked. */
    private static final Instant PROBE_FROM = Instant.parse("2000-01-01T00:00:00Z");

    private final String target;
    private final SshCertSettings settings;
    private final SshKeygen keygen;
    private final CaKey ca;
    private final Krl krl;
    private final Optional<SessionKiller> killer;
    private final Clock clock;
    private final Path workBase;

    SshCertAdapter(String target, SshCertSettings settings, SshKeygen keygen, CaKey ca, Krl krl,
                   Optional<SessionKiller> killer, Clock clock, Path workBase) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keygen = Objects.requireNonNull(keygen, "keygen");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.krl = Objects.requireNonNull(krl, "krl");
        this.killer = Objects.requireNonNull(killer, "killer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workBase = Objects.requireNonNull(workBase, "workBase");
    }

    /** The target this adapter serves. */
    public String target() {
        return target;
    }

    /** The CA's fingerprint, {@code SHA256:…}. */
    public String caFingerprint() {
        return ca.fingerprint();
    }

    /** The KRL file this adapter writes. */
    public Path krl() {
        return krl.file();
    }

    /**
     * The logins and logouts of each grant's certificate from sshd's log ({@link SshdLogActivity}), when
     * {@code settings.activity-log} names it; empty otherwise.
     */
    @Override
    public Optional<dev.breakglass.port.ActivitySource> activity() {
        return settings.activityLog().map(log -> new SshdLogActivity(target, log, clock));
    }

    /** The key id of a grant's certificates: {@code breakglass:BG-7:U0ALICE}. */
    static String keyId(GrantRequest request) {
        // Slack ids are letters and digits; anything else is replaced so the id stays one plain token in logs.
        return "breakglass:" + request.id() + ":" + request.slackUserId().replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    /**
     * Issues a key pair and certificate. Credentials, in display order: host (when set), user (settings.user, else
     * the first principal), principals, valid until, private key (OpenSSH format), certificate, and how to
     * connect.
     *
     * @throws TargetException when the role has no principals, the window has ended, the serial is already
     *                         revoked, or ssh-keygen fails
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        return issue("grant", Objects.requireNonNull(request, "request"));
    }

    /** A certificate's validity is the end: an extension needs a new certificate. */
    @Override
    public Extending extending() {
        return Extending.MOVES_THE_END;
    }

    /**
     * Issues a new key pair and certificate for the window ending at {@code newEnd}, with the grant's serial and
     * key id, so the revoke that ends the grant (the serial in the KRL) ends both certificates. The new
     * credentials are revealed to the requester like the first; the old certificate keeps working until its own
     * end, which is earlier.
     *
     * @throws TargetException when the grant's serial is already in the KRL (revoked access is never extended),
     *                         the role has no principals any more, or ssh-keygen fails; the old end then stays
     */
    @Override
    public Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        return issue("extend", provisioned.request().endingAt(Objects.requireNonNull(newEnd, "newEnd")));
    }

    /** Signs a certificate for {@code request}'s window: the whole of {@link #grant}, and {@link #extend}. */
    private Provisioned issue(String action, GrantRequest request) throws TargetException {
        List<String> principals = settings.principals().forRole(request.role()).orElseThrow(() ->
                failure(action, request, settings.principals().missing(request.role())));
        Instant now = clock.instant();
        Instant validBefore = request.expiresAt().truncatedTo(ChronoUnit.SECONDS);
        if (!validBefore.isAfter(now)) {
            throw failure(action, request, "the access window already ended at " + request.expiresAt());
        }
        long serial = request.id().value();
        String keyId = keyId(request);
        Instant validAfter = now.minus(CLOCK_SKEW).truncatedTo(ChronoUnit.SECONDS);
        SshKeygen.CertificateSpec spec = new SshKeygen.CertificateSpec(keyId, principals, validAfter, validBefore,
                serial, settings.extensions());
        String privateKey;
        String certificate;
        try (PrivateDir dir = privateDir("bg-ssh-" + action + "-")) {
            Path key = dir.resolve("id");
            keygen.generate(settings.keyType(), keyId, key, dir);
            Path cert = keygen.sign(ca.privateKey(), dir.resolve("id.pub"), spec, dir);
            if (krl.revokes(cert, dir)) {
                throw failure(action, request, "serial " + serial + " is already revoked in the KRL "
                        + krl.file() + "; a revoked grant is never issued again (is the CA shared with another "
                        + "Breakglass, whose grant numbers collide?)");
            }
            privateKey = read(key);
            PrivateDir.deleteQuietly(key);
            certificate = read(cert).strip();
        } catch (ExternalProcess.Failure f) {
            throw failure(action, request, f.getMessage());
        }
        LOG.info("ssh-cert {} {} on {}: certificate serial {}, key id {}, principals {}, valid until {}, CA {}",
                action, request.id(), target, serial, keyId, principals, validBefore, ca.fingerprint());
        SshCertHandle handle = new SshCertHandle(serial, keyId, ca.fingerprint(), validBefore, validAfter);
        return new Provisioned(request, handle.json(),
                Optional.of(credentials(request, principals, validBefore, privateKey, certificate)));
    }

    /**
     * Puts the grant's serial into the KRL (unless it is there already), then runs the session kill command when
     * one is set.
     *
     * @throws TargetException when the KRL cannot be updated, the handle names another serial or (for a
     *                         certificate still valid) another CA, or the session kill command fails
     */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantRequest request = provisioned.request();
        SshCertHandle.Stored handle = stored(provisioned, "revoke");
        long serial = request.id().value();
        String keyId = handle.keyId().orElse(keyId(request));
        Optional<String> otherCa = handle.caFingerprint().filter(f -> !f.equals(ca.fingerprint()));
        if (otherCa.isPresent()) {
            if (!expired(handle)) {
                throw failure("revoke", request, "its certificate was signed by CA " + otherCa.get()
                        + ", but settings.ca-key is now CA " + ca.fingerprint() + ", and a KRL entry under the new CA "
                        + "does not stop it. Add \"serial: " + serial + "\" under the old CA by hand (ssh-keygen -k -u "
                        + "-s old-ca.pub -f " + krl.file() + " spec), or wait until it expires at "
                        + handle.validBefore().map(Instant::toString).orElse("its end of validity")
                        + ", then mark the revocation resolved");
            }
            LOG.info("ssh-cert revoke {} on {}: the certificate of CA {} expired at {}; nothing to add to the KRL",
                    request.id(), target, otherCa.get(), handle.validBefore().orElseThrow());
        } else {
            try (PrivateDir dir = privateDir("bg-ssh-revoke-")) {
                Path caPub = dir.resolve("ca.pub");
                ca.writePublicKey(caPub);
                boolean wrote = krl.revokeSerial(caPub, serial, probe(serial, dir), dir);
                LOG.info("ssh-cert revoke {} on {}: serial {} (key id {}) {} the KRL {}", request.id(), target,
                        serial, keyId, wrote ? "added to" : "was already in", krl.file());
            } catch (ExternalProcess.Failure f) {
                throw failure("revoke", request, f.getMessage());
            }
        }
        if (killer.isPresent()) {
            try {
                killer.get().endSessions(keyId, serial, request.id().toString(), target, workBase);
                LOG.info("ssh-cert revoke {} on {}: session-kill-command succeeded for key id {}", request.id(),
                        target, keyId);
            } catch (ExternalProcess.Failure f) {
                throw failure("revoke", request, "the serial is in the KRL, but ending live sessions failed: "
                        + f.getMessage());
            }
        }
    }

    /**
     * True when the KRL revokes every certificate of the grant's serial under the CA (or, for a certificate of a
     * replaced CA, once it has expired). Live sessions are not checked: they cannot be seen from here.
     */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantRequest request = provisioned.request();
        SshCertHandle.Stored handle = stored(provisioned, "verify");
        if (handle.caFingerprint().filter(f -> !f.equals(ca.fingerprint())).isPresent()) {
            return expired(handle);
        }
        long serial = request.id().value();
        try (PrivateDir dir = privateDir("bg-ssh-verify-")) {
            boolean revoked = krl.revokes(probe(serial, dir), dir);
            LOG.info("ssh-cert verify {} on {}: serial {} {} by the KRL {}", request.id(), target, serial,
                    revoked ? "is revoked" : "is NOT revoked", krl.file());
            return revoked;
        } catch (ExternalProcess.Failure f) {
            throw failure("verify", request, f.getMessage());
        }
    }

    /**
     * Signs and queries one throwaway certificate, proving at start that the CA key signs with this ssh-keygen
     * (its version reads our options, the passphrase works, temporary files can be written and run) and that the
     * KRL can be queried.
     *
     * @throws IllegalArgumentException naming {@code settings.ca-key} when any of it fails
     */
    void selfTest() {
        try (PrivateDir dir = privateDir("bg-ssh-test-")) {
            krl.revokes(probe(Long.MAX_VALUE, dir), dir);
        } catch (ExternalProcess.Failure f) {
            throw new IllegalArgumentException("settings.ca-key: signing a test certificate with "
                    + dev.breakglass.bot.adapter.SettingText.quote(ca.privateKey().toString()) + " and checking it against the KRL failed: "
                    + f.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SshCertAdapter[target=" + target + ", ca=" + ca.fingerprint() + ", krl=" + krl.file() + "]";
    }

    /** A certificate of the CA with {@code serial} that opens nothing: expired, for a principal nobody has. */
    private Path probe(long serial, PrivateDir dir) throws ExternalProcess.Failure {
        Path key = dir.resolve("probe");
        keygen.generate(KeyType.ED25519, "breakglass-krl-probe", key, dir);
        PrivateDir.deleteQuietly(key); // Only the public half is signed; the private half is never needed.
        return keygen.sign(ca.privateKey(), dir.resolve("probe.pub"), new SshKeygen.CertificateSpec(
                "breakglass-krl-probe", List.of(PROBE_PRINCIPAL), PROBE_FROM, PROBE_FROM.plusSeconds(1), serial,
                List.of()), dir);
    }

    private Credentials credentials(GrantRequest request, List<String> principals, Instant validBefore,
                                    String privateKey, String certificate) {
        String file = "~/.ssh/breakglass-" + request.id();
        String user = settings.user().forGrant(request.role(), principals);
        String destination = user + "@" + settings.host().orElse("<host>");
        Map<String, String> fields = new LinkedHashMap<>();
        settings.host().ifPresent(h -> fields.put("host", h));
        fields.put("user", user);
        fields.put("principals", String.join(", ", principals));
        fields.put("valid until", validBefore.toString());
        fields.put("private key", privateKey);
        fields.put("certificate", certificate);
        fields.put("how to connect", "Save the private key as " + file + " (chmod 600) and the certificate as "
                + file + "-cert.pub, then:\nssh -o IdentitiesOnly=yes -i " + file + " -o CertificateFile=" + file
                + "-cert.pub" + settings.port().map(p -> " -p " + p).orElse("") + " " + destination);
        return new Credentials(fields);
    }

    private SshCertHandle.Stored stored(Provisioned provisioned, String action) throws TargetException {
        GrantRequest request = provisioned.request();
        SshCertHandle.Stored handle = SshCertHandle.read(provisioned.handle());
        if (!handle.valid()) {
            // The serial comes from the grant id anyway; only the CA check is lost.
            LOG.warn("ssh-cert {} {} on {}: the stored handle is not a JSON object; using serial {} and the "
                    + "current CA", action, request.id(), target, request.id().value());
        }
        if (handle.serial().isPresent() && handle.serial().getAsLong() != request.id().value()) {
            throw failure(action, request, "the stored handle names serial " + handle.serial().getAsLong()
                    + ", not " + request.id().value() + "; it is not this grant's");
        }
        return handle;
    }

    private boolean expired(SshCertHandle.Stored handle) {
        return handle.validBefore().map(end -> !clock.instant().isBefore(end)).orElse(false);
    }

    private PrivateDir privateDir(String prefix) throws ExternalProcess.Failure {
        try {
            return PrivateDir.create(workBase, prefix);
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot make a private working directory in " + workBase + ": "
                    + e.getMessage());
        }
    }

    private static String read(Path file) throws ExternalProcess.Failure {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExternalProcess.Failure("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }

    private TargetException failure(String action, GrantRequest request, String reason) {
        return new TargetException("ssh-cert " + action + " " + request.id() + " on " + target + " failed: " + reason);
    }
}

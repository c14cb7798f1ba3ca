package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes {@link SshCertAdapter}s for targets with {@code adapter: ssh-cert}. Everything is checked in
 * {@link #create}, at start: the settings ({@link SshCertSettings#parse}), that ssh-keygen runs, that the CA key
 * is a private key it can use (passphrase included) and agrees with its {@code .pub}, that the KRL's directory is
 * writable and the KRL is one (an empty KRL is created when the file is missing or empty), that the session kill
 * command is an executable file, and finally that a test certificate can be signed and checked against the KRL.
 * So a CA that cannot sign stops the bot, instead of the first emergency.
 *
 * <p>Logged at start: the CA's fingerprint and the KRL's path; that live sessions are not ended when no session
 * kill command is set; a warning when a passphrase is set for a CA key that has none.
 */
@Singleton
public final class SshCertAdapterFactory extends AdapterFactory<SshCertSettings, SshCertAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "ssh-cert";
    /** The ssh-keygen run when {@code settings.ssh-keygen} is absent: the one on {@code PATH}. */
    public static final String DEFAULT_SSH_KEYGEN = "ssh-keygen";

    private static final Logger LOG = LoggerFactory.getLogger(SshCertAdapterFactory.class);

    private final Clock clock;
    private final String defaultSshKeygen;
    private final Path workBase;

    /** The bot's factory: the process environment, ssh-keygen from {@code PATH}, the JVM's temporary directory. */
    @Inject
    public SshCertAdapterFactory(Clock clock) {
        this(clock, EnvironmentVariables.system(), DEFAULT_SSH_KEYGEN);
    }

    /**
     * @param clock            certificates are valid from this clock's now (less a minute)
     * @param environment      where {@code ${NAME}} references are looked up
     * @param defaultSshKeygen the ssh-keygen to run when a target does not set {@code ssh-keygen}
     */
    public SshCertAdapterFactory(Clock clock, EnvironmentVariables environment, String defaultSshKeygen) {
        this(clock, environment, defaultSshKeygen, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param workBase where each operation's private directory (key pair, certificate) is made; it must exist
     */
    SshCertAdapterFactory(Clock clock, EnvironmentVariables environment, String defaultSshKeygen, Path workBase) {
        super(TYPE, environment, (given, env) -> SshCertSettings.parse(given, env, defaultSshKeygen));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.defaultSshKeygen = Objects.requireNonNull(defaultSshKeygen, "defaultSshKeygen");
        this.workBase = Objects.requireNonNull(workBase, "workBase");
    }

    @Override
    protected SshCertAdapter make(String target, SshCertSettings parsed) {
        SshKeygen keygen = new SshKeygen(parsed.sshKeygen(), parsed.caKeyPassphrase());
        CaKey.Loaded ca = CaKey.load(parsed.caKey(), keygen, workBase);
        if (ca.passphraseUnused()) {
            LOG.warn("Target {}: settings.ca-key-passphrase is set, but the CA key {} is not encrypted", target,
                    parsed.caKey());
        }
        Krl krl = Krl.open(parsed.krl(), keygen, workBase);
        Optional<SessionKiller> killer = parsed.sessionKill().map(SessionKiller::check);
        SshCertAdapter adapter = new SshCertAdapter(target, parsed, keygen, ca.key(), krl, killer, clock, workBase);
        adapter.selfTest();
        parsed.activityLog().filter(log -> !java.nio.file.Files.isReadable(log)).ifPresent(log -> LOG.warn(
                "Target {}: settings.activity-log {} cannot be read (yet); reading the grants' logins fails until it "
                        + "can", target, log));
        LOG.info("Target {}: ssh-cert with CA {} ({}), KRL {}", target, ca.key().fingerprint(), parsed.caKey(),
                krl.file());
        if (killer.isEmpty()) {
            LOG.info("Target {}: no settings.session-kill-command, so a revoke stops new logins only; SSH sessions "
                    + "opened before it stay open until they end", target);
        }
        return adapter;
    }
}

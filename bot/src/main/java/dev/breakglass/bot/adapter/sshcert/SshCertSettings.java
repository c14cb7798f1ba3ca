package dev.breakglass.bot.adapter.sshcert;

import static dev.breakglass.bot.adapter.SettingText.kind;
import static dev.breakglass.bot.adapter.SettingText.quote;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code ssh-cert} target's settings, read from the policy's {@code settings} map by {@link #parse}. This
 * checks form only; whether the files exist and work is checked by {@link SshCertAdapterFactory#create}.
 *
 * <ul>
 *   <li>{@code ca-key} (required): path of the CA's private key.</li>
 *   <li>{@code ca-key-passphrase} (optional): the CA key's passphrase, only as a {@code ${NAME}} reference: a
 *       passphrase written into the policy file protects nothing.</li>
 *   <li>{@code krl} (required): path of the Key Revocation List that hosts name in {@code RevokedKeys}.</li>
 *   <li>{@code principals} (required): a list (or one text) for every grant, or a map role → list (or text);
 *       see {@link Principals}.</li>
 *   <li>{@code key-type} (optional, default {@code ed25519}): {@code ed25519}, {@code ecdsa} or {@code rsa}.</li>
 *   <li>{@code extensions} (optional, default {@code [permit-pty]}): certificate extensions, from
 *       {@link #EXTENSIONS}; an empty list allows no pty, no forwarding and no user rc.</li>
 *   <li>{@code host} (optional), {@code port} (optional, 1–65535) and {@code user} (optional: an account name for
 *       every role, or a map role → account; by default the first principal): shown to the requester in the
 *       command to connect; they grant nothing. {@code user} matters where {@code AuthorizedPrincipalsFile} maps
 *       principals such as {@code bg-admin} to accounts such as {@code root}.</li>
 *   <li>{@code ssh-keygen} (optional, default the factory's, normally {@code ssh-keygen} on {@code PATH}).</li>
 *   <li>{@code session-kill-command} (optional): an absolute path of a program (text), or a list of a program
 *       and fixed arguments, run on every revoke with the certificate's key id appended; see
 *       {@link SessionKiller}. {@code session-kill-timeout} (optional, default {@code 30s}, at most
 *       {@code 5m}) bounds it; it is refused without a command.</li>
 *   <li>{@code activity-log} (optional): the file where the bot reads sshd's log (an {@code sshd -E} file, or a
 *       syslog file such as {@code /var/log/auth.log}, collected from the hosts); with it the target offers the
 *       logins and logouts of each grant's certificate ({@link SshdLogActivity}).</li>
 * </ul>
 * Paths may be absolute or relative to the bot's working directory; every text may be a {@code ${NAME}}
 * reference. {@link #toString()} never shows the passphrase.
 */
record SshCertSettings(Path caKey, Optional<String> caKeyPassphrase, Path krl, Principals principals,
                       KeyType keyType, List<String> extensions, Optional<String> host, Optional<Integer> port,
                       Logins user, String sshKeygen, Optional<SessionKiller.Command> sessionKill,
                       Optional<Path> activityLog) {

    /** The keys {@link #parse} reads, in the order messages list them. */
    static final List<String> KEYS = List.of("ca-key", "ca-key-passphrase", "krl", "principals", "key-type",
            "extensions", "host", "port", "user", "ssh-keygen", "session-kill-command", "session-kill-timeout",
            "activity-log");
    /** The extensions OpenSSH defines for user certificates. */
    static final List<String> EXTENSIONS = List.of("permit-pty", "permit-port-forwarding",
            "permit-agent-forwarding", "permit-X11-forwarding", "permit-user-rc");
    static final List<String> DEFAULT_EXTENSIONS = List.of("permit-pty");
    static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_KILL_TIMEOUT = Duration.ofMinutes(5);
    /** A principal: no commas (ssh-keygen's separator), no white space or control characters. */
    private static final Pattern PRINCIPAL = Pattern.compile("[^,\\s\\p{Cntrl}]{1,255}");
    /** A host name or address as typed after {@code user@}: nothing a shell or ssh would read as more. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]%-]{1,253}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}]*}");

    SshCertSettings {
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(caKeyPassphrase, "caKeyPassphrase");
        Objects.requireNonNull(krl, "krl");
        Objects.requireNonNull(principals, "principals");
        Objects.requireNonNull(keyType, "keyType");
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sshKeygen, "sshKeygen");
        Objects.requireNonNull(sessionKill, "sessionKill");
        Objects.requireNonNull(activityLog, "activityLog");
    }

    /**
     * Reads and checks the settings of one target.
     *
     * @param settings          the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment       where {@code ${NAME}} references are looked up
     * @param defaultSshKeygen  the ssh-keygen to run when {@code settings.ssh-keygen} is absent
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem:
     *                                  an unknown key, a missing or mistyped value, an unset variable. Messages
     *                                  never contain the passphrase.
     */
    static SshCertSettings parse(Map<String, ?> settings, EnvironmentVariables environment, String defaultSshKeygen) {
        AdapterSettings given = new AdapterSettings("ssh-cert", settings, environment);
        given.onlyKeys(KEYS);
        Path caKey = path(given, "ca-key", "the path of the CA's private key");
        Optional<String> passphrase = passphrase(given.get("ca-key-passphrase"), environment);
        Path krl = path(given, "krl", "the path of the KRL file that sshd reads with RevokedKeys");
        Principals principals = principals(given.get("principals"));
        KeyType keyType = keyType(given.get("key-type"), environment);
        List<String> extensions = extensions(given.get("extensions"));
        Optional<String> host = resolved(given, "host");
        if (host.isPresent() && !HOST.matcher(host.get()).matches()) {
            throw new IllegalArgumentException("settings.host: " + quote(host.get()) + " is not a host name or address");
        }
        Optional<Integer> port = port(given.get("port"));
        Logins user = user(given.get("user"));
        String sshKeygen = resolved(given, "ssh-keygen").orElse(defaultSshKeygen);
        Optional<SessionKiller.Command> kill = sessionKill(given);
        Optional<Path> activityLog = resolved(given, "activity-log").map(text -> toPath("activity-log", text));
        return new SshCertSettings(caKey, passphrase, krl, principals, keyType, extensions, host, port, user,
                sshKeygen, kill, activityLog);
    }

    @Override
    public String toString() {
        return "SshCertSettings[ca-key=" + caKey + (caKeyPassphrase.isPresent() ? ", passphrase (hidden)" : "")
                + ", krl=" + krl + ", principals=" + principals + ", key-type=" + keyType.setting()
                + ", extensions=" + extensions + ", host=" + host.orElse("-") + ", ssh-keygen=" + sshKeygen
                + ", session-kill=" + sessionKill.map(Object::toString).orElse("none")
                + activityLog.map(p -> ", activity-log=" + p).orElse("") + "]";
    }

    private static Path path(AdapterSettings settings, String key, String what) {
        String text = resolved(settings, key).orElseThrow(() -> AdapterSettings.fail(key, " is missing: " + what));
        return toPath(key, text);
    }

    private static Path toPath(String key, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is not a file path");
        }
    }

    private static Optional<String> resolved(AdapterSettings settings, String key) {
        return settings.optionalText(key).map(text -> settings.resolve(key, text));
    }

    private static Optional<String> passphrase(Object value, EnvironmentVariables env) {
        if (value == null) {
            return Optional.empty();
        }
        // The value is never echoed: it might be the passphrase itself.
        if (!(value instanceof String text) || !REFERENCE.matcher(text).matches()) {
            throw new IllegalArgumentException("settings.ca-key-passphrase must be a ${NAME} reference to an "
                    + "environment variable that holds the passphrase, never the passphrase itself");
        }
        return Optional.of(env.resolve("ca-key-passphrase", text));
    }

    private static Principals principals(Object value) {
        String hint = "give a list of principals, like [root], or one list per role, like {read-only: [readonly], "
                + "admin: [root]}";
        if (value == null) {
            throw new IllegalArgumentException("settings.principals is missing: " + hint);
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                throw new IllegalArgumentException("settings.principals is an empty map: " + hint);
            }
            Map<String, List<String>> byRole = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String role) || role.isBlank()) {
                    throw new IllegalArgumentException("settings.principals: the role " + e.getKey()
                            + " is not a role name");
                }
                byRole.put(role, principalList("principals." + role, e.getValue()));
            }
            return Principals.perRole(byRole);
        }
        if (value instanceof List<?> || value instanceof String) {
            return Principals.of(principalList("principals", value));
        }
        throw new IllegalArgumentException("settings.principals must be a list or a map, not " + kind(value)
                + ": " + hint);
    }

    private static List<String> principalList(String key, Object value) {
        List<?> items = value instanceof String s ? List.of(s) : value instanceof List<?> l ? l : null;
        if (items == null) {
            throw new IllegalArgumentException("settings." + key + " must be a list of principals, not " + kind(value));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("settings." + key + " is empty: a certificate needs at least one "
                    + "principal (with none, sshd would accept it for every user)");
        }
        LinkedHashSet<String> principals = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof String p)) {
                throw new IllegalArgumentException("settings." + key + ": " + item + " is not text; "
                        + "principals are login or principal names");
            }
            if (!PRINCIPAL.matcher(p).matches()) {
                throw new IllegalArgumentException("settings." + key + ": " + quote(p) + " is not a principal name; "
                        + "write a user or principal name without commas, spaces or control characters");
            }
            principals.add(p);
        }
        return new ArrayList<>(principals);
    }

    private static Logins user(Object value) {
        if (value == null) {
            return new Logins(Optional.empty(), Map.of());
        }
        if (value instanceof String text) {
            return new Logins(Optional.of(account("user", text)), Map.of());
        }
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            Map<String, String> byRole = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String role) || role.isBlank()) {
                    throw new IllegalArgumentException("settings.user: the role " + e.getKey() + " is not a role name");
                }
                if (!(e.getValue() instanceof String text)) {
                    throw new IllegalArgumentException("settings.user." + role + " must be an account name, not "
                            + kind(e.getValue()));
                }
                byRole.put(role, account("user." + role, text));
            }
            return new Logins(Optional.empty(), byRole);
        }
        throw new IllegalArgumentException("settings.user must be an account name, or a map from role to account "
                + "name, not " + (value instanceof Map ? "an empty map" : kind(value)));
    }

    private static String account(String key, String text) {
        if (!PRINCIPAL.matcher(text).matches()) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is not an account name");
        }
        return text;
    }

    /**
     * The account shown in the command to connect: one for every role, or one per role; otherwise (and for a
     * role without one) the grant's first principal.
     */
    record Logins(Optional<String> all, Map<String, String> byRole) {
        Logins {
            Objects.requireNonNull(all, "all");
            byRole = Map.copyOf(byRole);
        }

        String forGrant(Optional<String> role, List<String> principals) {
            return all.or(() -> role.map(byRole::get)).orElse(principals.get(0));
        }
    }

    private static KeyType keyType(Object value, EnvironmentVariables env) {
        if (value == null) {
            return KeyType.ED25519;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("settings.key-type must be text, not " + kind(value) + "; write "
                    + KeyType.NAMES);
        }
        return KeyType.of(env.resolve("key-type", text)).orElseThrow(() -> new IllegalArgumentException(
                "settings.key-type: " + quote(text) + " is not a key type; write " + KeyType.NAMES));
    }

    private static List<String> extensions(Object value) {
        if (value == null) {
            return DEFAULT_EXTENSIONS;
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException("settings.extensions must be a list, not " + kind(value)
                    + "; write e.g. [permit-pty], or [] for none");
        }
        LinkedHashSet<String> extensions = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof String e) || !EXTENSIONS.contains(e)) {
                throw new IllegalArgumentException("settings.extensions: " + (item instanceof String s ? quote(s) : item)
                        + " is not a certificate extension; choose from " + String.join(", ", EXTENSIONS));
            }
            extensions.add(e);
        }
        return new ArrayList<>(extensions);
    }

    private static Optional<Integer> port(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        BigInteger n = AdapterSettings.whole(value).orElse(null);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(65_535)) > 0) {
            throw AdapterSettings.fail("port", ": " + AdapterSettings.shown(value)
                    + " is not a port; write a whole number from 1 to 65535, like 22");
        }
        return Optional.of(n.intValue());
    }

    private static Optional<SessionKiller.Command> sessionKill(AdapterSettings settings) {
        Object command = settings.get("session-kill-command");
        if (command == null) {
            if (settings.get("session-kill-timeout") != null) {
                throw new IllegalArgumentException("settings.session-kill-timeout is set but "
                        + "settings.session-kill-command is not; set both or neither");
            }
            return Optional.empty();
        }
        List<?> items = command instanceof String s ? List.of(s) : command instanceof List<?> l ? l : null;
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("settings.session-kill-command must be the absolute path of a "
                    + "program, or a list of it and its arguments, not " + (items == null ? kind(command) : "an empty list"));
        }
        List<String> argv = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text) || text.isEmpty()) {
                throw new IllegalArgumentException("settings.session-kill-command: every part must be non-empty "
                        + "text, found " + (item instanceof String ? "an empty one" : kind(item)));
            }
            argv.add(settings.resolve("session-kill-command", text));
        }
        if (!toPath("session-kill-command", argv.get(0)).isAbsolute()) {
            throw new IllegalArgumentException("settings.session-kill-command: " + quote(argv.get(0))
                    + " is not an absolute path; name the program by its full path");
        }
        return Optional.of(new SessionKiller.Command(argv, settings.duration("session-kill-timeout",
                DEFAULT_KILL_TIMEOUT, MAX_KILL_TIMEOUT, "the longest a revocation may wait for it")));
    }


}

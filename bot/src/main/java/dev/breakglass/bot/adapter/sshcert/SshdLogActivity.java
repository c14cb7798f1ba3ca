package dev.breakglass.bot.adapter.sshcert;

import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.adapter.LogTail;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logins and logouts of a grant's certificate, read from sshd's log ({@code settings.activity-log}), for
 * {@link SshCertAdapter#activity()}: complete as far as that file holds every host's sshd log, source
 * {@code sshd-log}.
 *
 * <p>A login is sshd's {@code Accepted publickey for root from 10.0.0.5 port 51234 ssh2: ED25519-CERT SHA256:…
 * ID breakglass:BG-7:U0ALICE (serial 7) CA ED25519 SHA256:…} whose key id is the grant's (and, when the handle
 * names one, whose CA is the grant's CA). Its session is then followed by host, client address and port:
 * {@code Starting session: shell on pts/0 for root from …} (action {@code session}, sshd's {@code LogLevel VERBOSE})
 * and {@code Disconnected from user root 10.0.0.5 port 51234} (action {@code logout}; also "Connection closed by",
 * "Connection reset by", "Timeout, client not responding from"). Commands typed are not in sshd's log: they come
 * from the session recorder ({@code deploy/recorder}) through {@code POST /activity}.
 *
 * <p>Lines: as {@code sshd -E <file>} writes them (no time: the time of the read is used), or with a syslog prefix,
 * RFC 3339 ({@code 2026-12-03T08:20:00.123456+00:00 host sshd[123]: …}, rsyslog's high-precision format, or
 * journalctl's {@code -o short-iso}) or BSD ({@code Dec  3 08:20:00 host sshd[123]: …}, the bot's time zone, this
 * year). The host in the prefix becomes part of the actor ({@code root@web-1}).
 *
 * <p>Position: {@code <inode>:<offset>:<open sessions>} ({@link LogTail}); the open sessions
 * ({@code host|address|port}, at most {@value #MAX_OPEN}, fewer when long host names would make the position longer
 * than 1000 characters; the oldest give way) carry a login read in one poll over to its logout read in a later one.
 */
final class SshdLogActivity implements ActivitySource {
    /** Most bytes of log one read takes. */
    static final int MAX_READ = 4 * 1024 * 1024;
    static final int MAX_OPEN = 20;
    /** How much earlier than a certificate's start a renamed log file is still read on a first read. */
    static final java.time.Duration LOG_CLOCK_MARGIN = java.time.Duration.ofMinutes(10);
    private static final Pattern SYSLOG = Pattern.compile("^(?:(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?"
            + "(?:Z|[+-]\\d\\d:?\\d\\d))|([A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d))\\s+(\\S+)\\s+"
            + "sshd(?:-session|-auth)?\\[\\d+]:\\s+(.*)$");
    private static final Pattern ACCEPTED = Pattern.compile("^Accepted publickey for (\\S+) from (\\S+) port (\\d+) "
            + "ssh2: \\S+-CERT \\S+ ID (\\S+) \\(serial (\\d+)\\) CA \\S+ (\\S+)$");
    private static final Pattern SESSION = Pattern.compile("^Starting session: (.+) for (\\S+) from (\\S+) port "
            + "(\\d+)(?: id \\d+)?$");
    private static final Pattern ENDED = Pattern.compile("^(?:Disconnected from|Connection closed by|Connection reset "
            + "by|Timeout, client not responding from) user (\\S+) (\\S+) port (\\d+)");
    private static final DateTimeFormatter ISO_NO_COLON = DateTimeFormatter.ofPattern(
            "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS][.SSS]XX");

    private final String target;
    private final Path log;
    private final Clock clock;

    SshdLogActivity(String target, Path log, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Completeness completeness() {
        return Completeness.COMPLETE;
    }

    @Override
    public Page read(Provisioned provisioned, Optional<String> position) throws TargetException {
        GrantRequest request = Objects.requireNonNull(provisioned, "provisioned").request();
        SshCertHandle.Stored handle = SshCertHandle.read(provisioned.handle());
        String keyId = handle.keyId().orElse(SshCertAdapter.keyId(request));
        long inode = 0;
        long offset = 0;
        LinkedHashSet<String> open = new LinkedHashSet<>();
        String[] at = position.map(p -> p.split(":", 3)).orElse(new String[0]);
        if (at.length == 3) {
            try {
                inode = Long.parseLong(at[0]);
                offset = Long.parseLong(at[1]);
                if (!at[2].isEmpty()) {
                    open.addAll(List.of(at[2].split(";")));
                }
            } catch (NumberFormatException e) {
                inode = 0;
                offset = 0; // not a position of ours: from the start
            }
        }
        LogTail.Read read;
        try {
            // The grant's logins come after its certificate's start; a margin for hosts' clocks.
            read = LogTail.after(log, inode, offset, MAX_READ,
                    handle.validAfter().map(t -> t.minus(LOG_CLOCK_MARGIN)).orElse(Instant.MIN));
        } catch (NoSuchFileException e) {
            throw failed(request.id(), "sshd's log " + log + " does not exist (settings.activity-log)");
        } catch (IOException e) {
            throw failed(request.id(), "cannot read sshd's log " + log + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        List<Activity> out = new ArrayList<>();
        for (String line : read.lines()) {
            line(request.id(), keyId, handle.caFingerprint(), line, now, open).ifPresent(out::add);
        }
        // The oldest open sessions give way when there are many, or long host names would outgrow a position.
        while (open.size() > MAX_OPEN || read.position().length() + 1 + String.join(";", open).length() > 1000) {
            open.remove(open.iterator().next());
        }
        return new Page(out, read.position() + ":" + String.join(";", open));
    }

    /** The activity one log line shows for the grant, updating its open sessions. */
    private Optional<Activity> line(GrantId grant, String keyId, Optional<String> ca, String line, Instant now,
                                    LinkedHashSet<String> open) {
        String host = "";
        Instant at = now;
        String message = line;
        Matcher prefix = SYSLOG.matcher(line);
        if (prefix.matches()) {
            at = time(prefix.group(1), prefix.group(2), now).orElse(now);
            host = prefix.group(3);
            message = prefix.group(4);
        }
        Matcher m = ACCEPTED.matcher(message);
        if (m.matches()) {
            if (!m.group(4).equals(keyId) || ca.isPresent() && !ca.get().equals(m.group(6))) {
                return Optional.empty();
            }
            open.add(session(host, m.group(2), m.group(3)));
            return Optional.of(activity(grant, at, m.group(1), host, "login", "from " + m.group(2) + " port "
                    + m.group(3) + ", certificate " + m.group(4) + " (serial " + m.group(5) + ")"));
        }
        m = SESSION.matcher(message);
        if (m.matches() && open.contains(session(host, m.group(3), m.group(4)))) {
            return Optional.of(activity(grant, at, m.group(2), host, "session", m.group(1) + " from " + m.group(3)
                    + " port " + m.group(4)));
        }
        m = ENDED.matcher(message);
        if (m.find() && open.remove(session(host, m.group(2), m.group(3)))) {
            return Optional.of(activity(grant, at, m.group(1), host, "logout", "from " + m.group(2) + " port "
                    + m.group(3)));
        }
        return Optional.empty();
    }

    private static String session(String host, String address, String port) {
        return host + "|" + address + "|" + port;
    }

    private static Activity activity(GrantId grant, Instant at, String user, String host, String action,
                                     String detail) {
        return new Activity(grant, at, host.isEmpty() ? user : user + "@" + host, action, detail, "sshd-log",
                Completeness.COMPLETE);
    }

    private Optional<Instant> time(String iso, String bsd, Instant now) {
        try {
            if (iso != null) {
                try {
                    return Optional.of(OffsetDateTime.parse(iso).toInstant());
                } catch (DateTimeParseException e) {
                    return Optional.of(OffsetDateTime.parse(iso, ISO_NO_COLON).toInstant());
                }
            }
            ZoneId zone = clock.getZone();
            LocalDateTime local = LocalDateTime.parse(now.atZone(zone).getYear() + " " + bsd,
                    DateTimeFormatter.ofPattern("yyyy MMM ppd HH:mm:ss", Locale.ENGLISH));
            Instant t = local.atZone(zone).toInstant();
            // The line has no year: one more than a day ahead is last year's (a December line read in January).
            return Optional.of(t.isAfter(now.plusSeconds(86_400)) ? local.minusYears(1).atZone(zone).toInstant() : t);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private TargetException failed(GrantId grant, String reason) {
        return new TargetException("ssh-cert activity " + grant + " on " + target + " failed: " + reason);
    }
}

package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import org.postgresql.ds.PGSimpleDataSource;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Finds out whether the server checks a break-glass login's password, by trying: a throwaway role
 * ({@code bg_probe_<random>}, {@code LOGIN}, a password nobody knows, valid for a minute, no privileges) is made,
 * a login with a wrong password is attempted from the bot's host to the target's database, and the role is dropped
 * again. With {@code trust} (or another method that asks for no password) the wrong password gets in, and neither
 * passwords nor {@code VALID UNTIL} hold back anyone who can reach the server that way.
 *
 * <p>Edge cases: the answer holds for the bot's host and the target's database; {@code pg_hba.conf} may treat
 * the requesters' hosts differently. A login refused by {@code pg_hba.conf} ({@code 28000}) counts as checked: the
 * path does not let the role in at all. A refusal after authentication ({@code 42501}, no {@code CONNECT} on the
 * database) means the password was not asked for. Anything else (network trouble, a pooler) is {@link Result#UNKNOWN}.
 */
final class PasswordCheckProbe {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the probe found. */
    enum Result {
        /** A wrong password was refused (or the path lets no such login in at all). */
        CHECKED,
        /** A wrong password got in: trust authentication, or the like. */
        NOT_CHECKED,
        /** The probe could not tell. */
        UNKNOWN
    }

    private PasswordCheckProbe() {
    }

    /** Runs the probe; the probe role is dropped afterwards in every case it was made. */
    static Result run(PostgresSettings settings, Clock clock) throws Failure {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String role = "bg_probe_" + HexFormat.of().formatHex(random);
        String q = Sql.identifier(role);
        try (AdminSession s = AdminSession.open(settings)) {
            s.execute("CREATE ROLE " + q + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                    + "NOINHERIT CONNECTION LIMIT 1 PASSWORD " + Sql.literal(Passwords.unknowable()) + " VALID UNTIL "
                    + Sql.timestamp(clock.instant().plusSeconds(60)), "create the probe role " + role);
            try {
                return attempt(settings, role);
            } finally {
                s.execute("ALTER ROLE " + q + " WITH NOLOGIN", "disable the probe role " + role);
                s.terminateSessions(role);
                s.execute("DROP ROLE IF EXISTS " + q, "drop the probe role " + role);
            }
        }
    }

    private static Result attempt(PostgresSettings settings, String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(settings.url().jdbcUrl());
        ds.setUser(role);
        char[] wrong = Passwords.random();
        ds.setPassword(new String(wrong));
        java.util.Arrays.fill(wrong, '\0');
        int seconds = (int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
        ds.setConnectTimeout(seconds);
        ds.setLoginTimeout(seconds);
        ds.setSocketTimeout(seconds * 2);
        ds.setApplicationName("breakglass-probe");
        try (Connection ignored = ds.getConnection()) {
            return Result.NOT_CHECKED;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            return switch (state) {
                case "28P01", "28000" -> Result.CHECKED;
                case "42501" -> Result.NOT_CHECKED;
                default -> Result.UNKNOWN;
            };
        }
    }
}

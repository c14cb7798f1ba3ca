package dev.breakglass.bot.stepup;

import dev.breakglass.bot.persistence.CredentialCipher;
import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.port.StepUp;
import dev.samstevens.totp.code.CodeGenerator;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.secret.DefaultSecretGenerator;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in second factor: time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps — what
 * every authenticator app reads from a QR code), computed by {@code dev.samstevens.totp}, on the tables of V14.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>A code passes for the current step and one step either side (clocks of phones drift); a code of an older
 *       step within the last {@value #EXPIRED_STEPS} steps (10 minutes) is {@code EXPIRED}, anything else
 *       {@code WRONG}. Codes are compared in constant time.</li>
 *   <li>Each passing step is written to {@code step_up_used_codes} before the answer; its primary key refuses the
 *       same step twice, on any replica, so a code replays as {@code REPLAYED}. The code that confirms the
 *       enrolment counts as used too.</li>
 *   <li>The secret (160 random bits, Base32) is sealed by {@link CredentialCipher#sealSecret}, bound to the user:
 *       the table holds no secret, and a row copied to another user does not open. It leaves this class only in
 *       the {@code otpauth://} URI of {@link #enrol}, for the enrolment modal and the QR code.</li>
 *   <li>{@link #enrol} while unconfirmed makes a new secret (the old QR code stops working); while confirmed it
 *       refuses. {@link #reset} removes the enrolment and the used codes.</li>
 * </ul>
 * Database failures are {@link PersistenceException}s whose messages name the user, never a code or secret.
 */
public class TotpStepUp implements StepUp {
    /** The policy's name of this factor. */
    public static final String TYPE = "totp";
    /** Seconds per code. */
    static final int PERIOD = 30;
    /** Digits per code. */
    static final int DIGITS = 6;
    /** Steps either side of now that still pass. */
    static final int DRIFT_STEPS = 1;
    /** Older steps recognised as expired rather than wrong (10 minutes). */
    static final int EXPIRED_STEPS = 20;
    static final String PURPOSE = "step-up:totp";
    private static final String ISSUER = "Breakglass";

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final Clock clock;
    private final CodeGenerator codes = new DefaultCodeGenerator(HashingAlgorithm.SHA1, DIGITS);
    private final DefaultSecretGenerator secrets = new DefaultSecretGenerator(32);

    public TotpStepUp(DataSource dataSource, CredentialCipher cipher, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean enrolled(String user) {
        return row(user).filter(Row::confirmed).isPresent();
    }

    @Override
    public Enrolment enrol(String user) {
        if (enrolled(user)) {
            throw new IllegalStateException(user + " is already enrolled");
        }
        String secret = secrets.generate();
        byte[] sealed = cipher.sealSecret(PURPOSE, user, secret.getBytes(StandardCharsets.US_ASCII));
        Instant now = clock.instant();
        // a confirmed row inserted meanwhile (another replica) makes the insert fail: reported, never the secret
        StepUpSql.inTransaction(dataSource, "could not start the step-up enrolment of " + user, c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM step_up_enrolments WHERE user_id = ? AND confirmed_at IS NULL");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO step_up_enrolments"
                         + " (user_id, factor, sealed_secret, created_at, confirmed_at) VALUES (?, ?, ?, ?, ?)")) {
                del.setString(1, user);
                del.executeUpdate();
                ins.setString(1, user);
                ins.setString(2, TYPE);
                ins.setBytes(3, sealed);
                ins.setObject(4, now.atOffset(ZoneOffset.UTC));
                ins.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                return ins.executeUpdate();
            }
        });
        String uri = new QrData.Builder().label(user).secret(secret).issuer(ISSUER).algorithm(HashingAlgorithm.SHA1)
                .digits(DIGITS).period(PERIOD).build().getUri();
        return new Enrolment("", Optional.of(uri)); // the modal's own words (enrolScanCode) say what to do
    }

    @Override
    public Check confirm(String user, String code) {
        Optional<Row> row = row(user).filter(r -> !r.confirmed());
        if (row.isEmpty()) {
            return new Check.Failed(Failure.NOT_ENROLLED);
        }
        Check check = check(user, row.get(), code);
        if (check instanceof Check.Passed) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE step_up_enrolments SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL")) {
                ps.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
                ps.setString(2, user);
                if (ps.executeUpdate() != 1) {
                    return new Check.Failed(Failure.NOT_ENROLLED);
                }
            } catch (SQLException e) {
                throw new PersistenceException("could not confirm the step-up enrolment of " + user, e);
            }
        }
        return check;
    }

    @Override
    public Check verify(String user, String code) {
        Optional<Row> row = row(user).filter(Row::confirmed);
        return row.isEmpty() ? new Check.Failed(Failure.NOT_ENROLLED) : check(user, row.get(), code);
    }

    @Override
    public boolean reset(String user) {
        return StepUpSql.inTransaction(dataSource, "could not reset the step-up enrolment of " + user, c -> {
            StepUpSql.deleteOf(c, "step_up_used_codes", user);
            return StepUpSql.deleteOf(c, "step_up_enrolments", user) > 0;
        });
    }

    /**
     * The {@code otpauth://} URI of {@code user}'s enrolment while it waits for its first code (for the QR code);
     * empty once confirmed or when there is none, so the QR code cannot be fetched again after enrolment.
     */
    public Optional<String> pendingUri(String user) {
        return row(user).filter(r -> !r.confirmed()).map(r -> {
            byte[] secret = cipher.openSecret(PURPOSE, user, r.sealed());
            try {
                return new QrData.Builder().label(user).secret(new String(secret, StandardCharsets.US_ASCII))
                        .issuer(ISSUER).algorithm(HashingAlgorithm.SHA1).digits(DIGITS).period(PERIOD).build()
                        .getUri();
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        });
    }

    /** Whether {@code code} is right for {@code row}'s secret now, and not used before (then it is used). */
    private Check check(String user, Row row, String code) {
        long now = clock.instant().getEpochSecond() / PERIOD;
        byte[] secret = cipher.openSecret(PURPOSE, user, row.sealed());
        try {
            String key = new String(secret, StandardCharsets.US_ASCII);
            for (long step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
                if (same(code, codeAt(key, step))) {
                    return markUsed(user, step) ? new Check.Passed() : new Check.Failed(Failure.REPLAYED);
                }
            }
            for (long step = now - DRIFT_STEPS - 1; step >= now - EXPIRED_STEPS; step--) {
                if (same(code, codeAt(key, step))) {
                    return new Check.Failed(Failure.EXPIRED);
                }
            }
            return new Check.Failed(Failure.WRONG);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private String codeAt(String key, long step) {
        try {
            return codes.generate(key, step);
        } catch (CodeGenerationException e) {
            throw new IllegalStateException("HMAC-SHA1 is not available for TOTP codes");
        }
    }

    /** Constant-time comparison of what was typed with a code. */
    private static boolean same(String typed, String code) {
        return MessageDigest.isEqual(typed.getBytes(StandardCharsets.UTF_8), code.getBytes(StandardCharsets.UTF_8));
    }

    /** Records {@code step} as used by {@code user}; false when it was already (a replay). */
    private boolean markUsed(String user, long step) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement old = c.prepareStatement(
                    "DELETE FROM step_up_used_codes WHERE user_id = ? AND time_step < ?")) {
                old.setString(1, user);
                old.setLong(2, now.getEpochSecond() / PERIOD - EXPIRED_STEPS);
                old.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO step_up_used_codes (user_id, time_step, used_at) VALUES (?, ?, ?)")) {
                ps.setString(1, user);
                ps.setLong(2, step);
                ps.setObject(3, now.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not record a used step-up code of " + user, e);
        }
    }

    private Optional<Row> row(String user) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT sealed_secret, confirmed_at FROM step_up_enrolments WHERE user_id = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getBytes(1), rs.getObject(2) != null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the step-up enrolment of " + user, e);
        }
    }

    /** An enrolment as stored: the sealed secret, and whether a first code confirmed it. */
    private record Row(byte[] sealed, boolean confirmed) {
    }
}

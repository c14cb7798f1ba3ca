package dev.breakglass.bot.stepup;

import dev.breakglass.bot.persistence.PersistenceException;
import dev.breakglass.port.StepUpAttempts;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@link StepUpAttempts} on {@code step_up_failures} and {@code step_up_lockouts} (V14): shared by every replica.
 * Failures older than the caller's window are deleted as new ones arrive; {@link #lock} and {@link #clear} forget a
 * person's failures.
 */
@Singleton
public class JdbcStepUpAttempts implements StepUpAttempts {
    private final DataSource dataSource;

    public JdbcStepUpAttempts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public int failed(String user, Instant at, Instant since) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement old = c.prepareStatement(
                    "DELETE FROM step_up_failures WHERE user_id = ? AND failed_at <= ?")) {
                old.setString(1, user);
                old.setObject(2, since.atOffset(ZoneOffset.UTC));
                old.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO step_up_failures (user_id, failed_at) VALUES (?, ?)")) {
                ps.setString(1, user);
                ps.setObject(2, at.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT COUNT(*) FROM step_up_failures WHERE user_id = ? AND failed_at > ?")) {
                count.setString(1, user);
                count.setObject(2, since.atOffset(ZoneOffset.UTC));
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not record a step-up failure of " + user, e);
        }
    }

    @Override
    public void lock(String user, Instant until) {
        StepUpSql.inTransaction(dataSource, "could not lock the step-up of " + user, c -> {
            StepUpSql.deleteOf(c, "step_up_failures", user);
            StepUpSql.deleteOf(c, "step_up_lockouts", user);
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO step_up_lockouts (user_id, locked_until) VALUES (?, ?)")) {
                ins.setString(1, user);
                ins.setObject(2, until.atOffset(ZoneOffset.UTC));
                return ins.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Instant> lockedUntil(String user) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT locked_until FROM step_up_lockouts WHERE user_id = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the step-up lockout of " + user, e);
        }
    }

    @Override
    public void clear(String user) {
        StepUpSql.inTransaction(dataSource, "could not clear the step-up failures of " + user, c ->
                StepUpSql.deleteOf(c, "step_up_failures", user) + StepUpSql.deleteOf(c, "step_up_lockouts", user));
    }
}

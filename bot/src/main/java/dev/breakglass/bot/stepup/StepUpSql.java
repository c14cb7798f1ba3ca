package dev.breakglass.bot.stepup;

import dev.breakglass.bot.persistence.PersistenceException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The JDBC steps the step-up tables share: one transaction, and a person's rows deleted from a table. */
final class StepUpSql {
    private StepUpSql() {
    }

    /** Work on one connection inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     *
     * @param failure what could not be done, for the {@link PersistenceException} (never a code or a secret)
     */
    static <T> T inTransaction(DataSource dataSource, String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PersistenceException(failure, e);
        }
    }

    /** Deletes {@code user}'s rows from {@code table} (one of ours, never user input); how many there were. */
    static int deleteOf(Connection c, String table, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE user_id = ?")) {
            ps.setString(1, user);
            return ps.executeUpdate();
        }
    }
}

package dev.breakglass.bot.persistence;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.Credentials;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * {@link CredentialVault} on the {@code grant_credentials} table (V4), one row per grant, the credentials sealed by
 * {@link CredentialCipher} — the database never sees them in clear.
 *
 * <p>Counting is done by the database, so it holds across threads and across replicas: a reveal is
 * {@code UPDATE … SET reveals = reveals + 1 WHERE grant_id = ? AND reveals < limit}; of two racing clicks with a
 * limit of 1, the row lock lets exactly one through. That update, the read of the sealed bytes and their opening
 * are one transaction.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@link #seal} replaces earlier credentials and resets the count: new credentials have not been seen.</li>
 *   <li>{@link #reveal} answers {@code Gone} when there is no row (never sealed, or destroyed), {@code Exhausted}
 *       when the row has been revealed {@code limit} times or more (also when the policy's limit was lowered since),
 *       else {@code Revealed} with {@code limit - reveals} remaining. A limit below 1 is an
 *       {@link IllegalArgumentException}.</li>
 *   <li>Sealed bytes that do not open (another key, altered, copied from another grant's row) are a
 *       {@link CredentialIntegrityException}, not {@code Gone}: "gone" would hide tampering or a replica with the
 *       wrong key, and the port has no answer for it because it is a fault to alert on, not an outcome. The reveal is
 *       then rolled back, so fixing the key configuration gives the requester their reveal back.</li>
 *   <li>{@link #destroy} deletes the row: the ciphertext is gone for good; nothing to delete is fine.</li>
 *   <li>{@link #giveBack} lowers the count by one, never below zero; after {@link #destroy} it does nothing.</li>
 * </ul>
 * Database failures are {@link PersistenceException}s. No message ever holds credentials or ciphertext.
 */
@Singleton
public class JdbcCredentialVault implements CredentialVault {
    /** How often seal retries when a concurrent seal of the same grant inserted first. */
    private static final int SEAL_ATTEMPTS = 3;
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public JdbcCredentialVault(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for a null label or value, or credentials over
     *                                  {@link CredentialCipher#MAX_PLAINTEXT} bytes
     */
    @Override
    public void seal(GrantId grant, Credentials credentials) {
        Objects.requireNonNull(grant, "grant");
        byte[] sealed = cipher.seal(grant, credentials);
        // portable upsert: update, else insert; a concurrent insert makes ours fail, and the update then wins
        String update = "UPDATE grant_credentials SET sealed = ?, reveals = 0, created_at = CURRENT_TIMESTAMP"
                + " WHERE grant_id = ?";
        String insert = "INSERT INTO grant_credentials (grant_id, sealed, reveals, created_at)"
                + " VALUES (?, ?, 0, CURRENT_TIMESTAMP)";
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    ps.setBytes(1, sealed);
                    ps.setLong(2, grant.value());
                    if (ps.executeUpdate() == 1) {
                        return;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setLong(1, grant.value());
                    ps.setBytes(2, sealed);
                    ps.executeUpdate();
                    return;
                }
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt >= SEAL_ATTEMPTS) {
                    throw new PersistenceException("could not store the credentials of " + grant, e);
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws CredentialIntegrityException when the stored credentials do not open (the reveal is not counted)
     */
    @Override
    public Reveal reveal(GrantId grant, int limit) {
        Objects.requireNonNull(grant, "grant");
        if (limit < 1) {
            throw new IllegalArgumentException("reveal limit must be at least 1, not " + limit);
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Reveal answer = reveal(c, grant, limit);
                c.commit();
                return answer;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not reveal the credentials of " + grant, e);
        }
    }

    private Reveal reveal(Connection c, GrantId grant, int limit) throws SQLException {
        int counted;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE grant_credentials SET reveals = reveals + 1 WHERE grant_id = ? AND reveals < ?")) {
            ps.setLong(1, grant.value());
            ps.setInt(2, limit);
            counted = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sealed, reveals FROM grant_credentials WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Reveal.Gone();
                }
                if (counted == 0) {
                    return new Reveal.Exhausted(limit);
                }
                Credentials credentials = cipher.open(grant, rs.getBytes("sealed"));
                return new Reveal.Revealed(credentials, limit - rs.getInt("reveals"));
            }
        }
    }

    /** {@inheritDoc} One conditional update: never below zero, nothing stored is nothing to do. */
    @Override
    public void giveBack(GrantId grant) {
        Objects.requireNonNull(grant, "grant");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE grant_credentials SET reveals = reveals - 1 WHERE grant_id = ? AND reveals > 0")) {
            ps.setLong(1, grant.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("could not give back a reveal of " + grant, e);
        }
    }

    @Override
    public void destroy(GrantId grant) {
        Objects.requireNonNull(grant, "grant");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM grant_credentials WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("could not destroy the credentials of " + grant, e);
        }
    }
}

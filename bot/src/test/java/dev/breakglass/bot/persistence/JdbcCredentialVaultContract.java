package dev.breakglass.bot.persistence;

import dev.breakglass.bot.config.EncryptionKey;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.CredentialVault.Reveal;
import dev.breakglass.port.CredentialVaultContract;
import dev.breakglass.port.Credentials;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vault contract on a database, plus what only the database shows: the sealed bytes at rest, the row gone after
 * destroy, two processes sharing a count, ciphertext moved between grants or sealed with another key. Subclasses name
 * the database. Vault rows need no grant row (the table has no foreign key).
 */
public abstract class JdbcCredentialVaultContract extends CredentialVaultContract {
    private TestDatabase db;

    /** A fresh, migrated database for this class. */
    protected abstract TestDatabase openDatabase();

    @Override
    protected CredentialVault openVault() {
        db = openDatabase();
        return new JdbcCredentialVault(db.dataSource(), new CredentialCipher(EncryptionKey.random()));
    }

    @Override
    protected void closeVault() {
        db.close();
    }

    @Test
    void destroyDeletesTheRow() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        vault().destroy(grant);
        assertEquals(null, storedBytes(grant), "the ciphertext is deleted, not just marked");
    }

    @Test
    void twoVaultsOnOneDatabaseShareTheCount() {
        // two processes: separate vault instances (and ciphers) on the same rows, with the same key
        EncryptionKey key = EncryptionKey.random();
        CredentialVault first = new JdbcCredentialVault(db.dataSource(), new CredentialCipher(key));
        CredentialVault second = new JdbcCredentialVault(db.dataSource(), new CredentialCipher(key));
        GrantId grant = newGrant();
        first.seal(grant, credentials());
        assertEquals(new Reveal.Revealed(credentials(), 1), second.reveal(grant, 2));
        assertEquals(new Reveal.Revealed(credentials(), 0), first.reveal(grant, 2));
        assertEquals(new Reveal.Exhausted(2), second.reveal(grant, 2));
    }

    @Test
    void theStoredBytesDoNotContainThePlaintext() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        byte[] stored = storedBytes(grant);
        assertEquals(CredentialCipher.VERSION_1, stored[0], "versioned format");
        String asText = new String(stored, StandardCharsets.ISO_8859_1);
        for (Map.Entry<String, String> field : credentials().fields().entrySet()) {
            assertFalse(asText.contains(field.getValue()), "value of " + field.getKey() + " stored in clear");
            assertFalse(asText.contains(field.getKey()), "label " + field.getKey() + " stored in clear");
        }
        assertFalse(asText.contains("s3cr3t"));
    }

    @Test
    void ciphertextCopiedOntoAnotherGrantDoesNotOpen() {
        GrantId victim = newGrant();
        GrantId attacker = newGrant();
        vault().seal(victim, credentials());
        vault().seal(attacker, new Credentials(Map.of("password", "the attacker's own")));
        byte[] victims = storedBytes(victim);
        overwrite(attacker, victims);

        CredentialIntegrityException e = assertThrows(CredentialIntegrityException.class,
                () -> vault().reveal(attacker, 1));
        assertEquals(attacker, e.grant());
        assertTrue(e.getMessage().contains(attacker.toString()), e.getMessage());
        for (String value : credentials().fields().values()) {
            assertFalse(e.getMessage().contains(value), "a secret in the message");
        }
        assertEquals(0, reveals(attacker), "a failed opening is not counted");
        assertEquals(credentials(), revealed(vault().reveal(victim, 1)), "the original still opens");
    }

    @Test
    void credentialsSealedWithAnotherKeyDoNotOpenAndAreNotCounted() {
        GrantId grant = newGrant();
        new JdbcCredentialVault(db.dataSource(), new CredentialCipher(EncryptionKey.random()))
                .seal(grant, credentials());
        assertThrows(CredentialIntegrityException.class, () -> vault().reveal(grant, 1));
        assertEquals(0, reveals(grant));
    }

    // ---- the raw table ------------------------------------------------------------------------------------

    private byte[] storedBytes(GrantId grant) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sealed FROM grant_credentials WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected int reveals(GrantId grant) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT reveals FROM grant_credentials WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + grant);
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private void overwrite(GrantId grant, byte[] sealed) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE grant_credentials SET sealed = ? WHERE grant_id = ?")) {
            ps.setBytes(1, sealed);
            ps.setLong(2, grant.value());
            assertEquals(1, ps.executeUpdate());
            assertArrayEquals(sealed, storedBytes(grant));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

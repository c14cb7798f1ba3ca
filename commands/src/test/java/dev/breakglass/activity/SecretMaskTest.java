package dev.breakglass.activity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets in statement and command text. Token-shaped inputs are put together at run time so that no fixture
 * looks like a real credential to a scanner.
 */
class SecretMaskTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ALTER ROLE bg_7 PASSWORD 'hunter2'|ALTER ROLE bg_7 PASSWORD '***'",
            "alter role bg_7 with encrypted password 'hunter2' valid until 'x'"
                    + "|alter role bg_7 with encrypted password '***' valid until 'x'",
            "CREATE ROLE a LOGIN PaSsWoRd 'x' NOINHERIT|CREATE ROLE a LOGIN PaSsWoRd '***' NOINHERIT",
            "ALTER ROLE a PASSWORD 'it''s secret' LOGIN|ALTER ROLE a PASSWORD '***' LOGIN",
            "ALTER ROLE a PASSWORD E'a\\'b\\\\' LOGIN|ALTER ROLE a PASSWORD '***' LOGIN",
            "ALTER ROLE a PASSWORD $$dollar 'quoted'$$ LOGIN|ALTER ROLE a PASSWORD '***' LOGIN",
            "ALTER ROLE a PASSWORD $pw$it$s$pw$ LOGIN|ALTER ROLE a PASSWORD '***' LOGIN",
            "ALTER ROLE a PASSWORD 'never ends; SELECT 1|ALTER ROLE a PASSWORD '***'",
            "ALTER ROLE a PASSWORD $x$never ends|ALTER ROLE a PASSWORD '***'",
            "ALTER ROLE a PASSWORD NULL|ALTER ROLE a PASSWORD NULL",
            "CREATE USER 'u'@'%' IDENTIFIED BY 's3cret'|CREATE USER 'u'@'%' IDENTIFIED BY '***'",
            "create user u identified   by \"s3cret\"|create user u identified   by '***'",
            "ALTER USER u IDENTIFIED WITH mysql_native_password BY 'x'"
                    + "|ALTER USER u IDENTIFIED WITH mysql_native_password BY '***'",
            "SET PASSWORD FOR u = PASSWORD('x')|SET PASSWORD FOR u = PASSWORD('***')",
            "SET PASSWORD = 'x'|SET PASSWORD = '***'",
            "psql postgres://app:pa55@db:5432/x|psql postgres://app:***@db:5432/x",
            "PGPASSWORD=pa55 psql -h db|PGPASSWORD=*** psql -h db",
            "curl -d api_key=abc123&x=1|curl -d api_key=***&x=1",
            "{\"token\": \"abc123\"}|{\"token\": \"***\"}",
            "SELECT passwords_reset FROM t|SELECT passwords_reset FROM t",
            "DROP TABLE orders|DROP TABLE orders",
            "UPDATE users SET password = crypt('x', gen_salt('bf')) WHERE id = 1"
                    + "|UPDATE users SET password = crypt('***', gen_salt('bf')) WHERE id = 1",
            "SELECT 1 FROM users WHERE password = crypt('typed', password)"
                    + "|SELECT 1 FROM users WHERE password = crypt('***', password)",
            "UPDATE u SET password = encode(digest('x', 'sha256'), 'hex')"
                    + "|UPDATE u SET password = encode(digest('***', 'sha256'), 'hex')",
            "UPDATE u SET password = pg_catalog.md5 ( 'x' )|UPDATE u SET password = pg_catalog.md5 ( '***' )",
            "ALTER ROLE a PASSWORD NULL VALID UNTIL 'x'|ALTER ROLE a PASSWORD NULL VALID UNTIL 'x'",
    })
    void masks(String in, String out) {
        assertEquals(out, SecretMask.mask(in));
        assertEquals(out, SecretMask.mask(out), "masking is idempotent");
    }

    @Test
    void tokensAreMasked() {
        String slack = "xox" + "b-" + "1234567890-abcdefABCDEF";
        assertEquals("send xoxb-*** now", SecretMask.mask("send " + slack + " now"));
        String bearer = "Authorization: " + "Bearer " + "abcdefghij0123456789";
        assertEquals("Authorization: Bearer ***", SecretMask.mask(bearer));
        String github = "gh" + "p_" + "abcdefghijklmnopqrstuvwxyz0123";
        assertEquals("git clone ghp_***", SecretMask.mask("git clone " + github));
        String aws = "AK" + "IA" + "ABCDEFGHIJKLMNOP";
        assertEquals("key ***", SecretMask.mask("key " + aws));
    }

    @Test
    void onlyTheSecretGoesEverythingElseStays() {
        String in = "BEGIN; ALTER ROLE a PASSWORD 'x'; UPDATE t SET note = 'password reset'; COMMIT";
        assertEquals("BEGIN; ALTER ROLE a PASSWORD '***'; UPDATE t SET note = 'password reset'; COMMIT",
                SecretMask.mask(in));
    }

    @Test
    void everySecretInOneLineIsMasked() {
        String in = "ALTER ROLE a PASSWORD 'one'; ALTER ROLE b PASSWORD 'two'";
        assertEquals("ALTER ROLE a PASSWORD '***'; ALTER ROLE b PASSWORD '***'", SecretMask.mask(in));
    }

    @Test
    void maskAndFitMasksFirstThenCuts() {
        String long_ = "ALTER ROLE a PASSWORD 'secret-value'; SELECT '" + "x".repeat(500) + "'";
        String fitted = SecretMask.maskAndFit(long_, 200);
        assertTrue(fitted.length() <= 200, fitted.length() + "");
        assertTrue(fitted.startsWith("ALTER ROLE a PASSWORD '***'; SELECT 'xxx"), fitted);
        assertTrue(fitted.endsWith(" … (cut: " + SecretMask.mask(long_).length() + " characters in all)"), fitted);
        assertFalse(SecretMask.mask(fitted).contains("secret-value"));
        assertEquals("select 1", SecretMask.maskAndFit("select 1", 100));
        String cutInPassword = "x".repeat(150) + " PASSWORD 'abc" + "d".repeat(100);
        assertFalse(SecretMask.maskAndFit(cutInPassword, 160).contains("abc"));
    }

    @Test
    void hasSecretAndNull() {
        assertTrue(SecretMask.hasSecret("alter role a password 'x'"));
        assertFalse(SecretMask.hasSecret("select 1"));
        assertFalse(SecretMask.hasSecret(null));
        assertEquals("", SecretMask.mask(null));
    }
}

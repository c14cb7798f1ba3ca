package dev.breakglass.bot.persistence;

import dev.breakglass.bot.config.EncryptionKey;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.Credentials;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The vault as the application wires it: Micronaut builds it from the DataSource and the configured key. (The
 * key-file fallback is covered by EncryptionKeyTest; one application start here is enough.)
 */
class JdbcCredentialVaultBeanTest {

    @Test
    void theApplicationBuildsTheVaultWithTheKeyFromTheSetting(@TempDir Path data) {
        byte[] key = new byte[32];
        key[0] = 42;
        try (TestDatabase db = TestDatabase.h2()) {
            Map<String, Object> properties = new HashMap<>(db.properties());
            properties.put("breakglass.encryption-key", Base64.getEncoder().encodeToString(key));
            properties.put("breakglass.data-dir", data.toString());
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                CredentialVault vault = context.getBean(CredentialVault.class);
                assertInstanceOf(JdbcCredentialVault.class, vault);
                assertEquals(EncryptionKey.of(key).fingerprint(), context.getBean(EncryptionKey.class).fingerprint());
                GrantId grant = new GrantId(1);
                Credentials credentials = new Credentials(Map.of("password", "wired"));
                vault.seal(grant, credentials);
                assertEquals(new CredentialVault.Reveal.Revealed(credentials, 0), vault.reveal(grant, 1));
                assertFalse(Files.exists(data.resolve("breakglass.key")), "the setting wins over the key file");
            }
        }
    }
}

package dev.breakglass.bot.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The {@link EncryptionKey} bean: {@code breakglass.encryption-key} (Micronaut maps the environment variable
 * {@code BREAKGLASS_ENCRYPTION_KEY} to it), else the key file in {@code breakglass.data-dir} ({@code ./data}); and
 * the {@link AuditKey} bean the same way from {@code breakglass.audit.key} ({@code BREAKGLASS_AUDIT_KEY}).
 *
 * <p>Eager ({@link Context}): a malformed variable or an unsafe key file stops the start instead of failing the
 * first Reveal during an incident. Tests point {@code breakglass.data-dir} at a temporary folder.
 */
@Factory
public class EncryptionKeyFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptionKeyFactory.class);

    /** @throws InvalidConfigurationException when the variable or the key file is wrong (see {@link EncryptionKey}) */
    @Singleton
    @Context
    EncryptionKey encryptionKey(@Value("${breakglass.encryption-key:}") String configured,
                                @Value("${breakglass.data-dir:./data}") String dataDir) {
        EncryptionKey key = EncryptionKey.resolve(configured, folder(dataDir));
        LOG.info("Credentials are sealed with the {}", key.describe());
        return key;
    }

    /** @throws InvalidConfigurationException when the variable or the key file is wrong (see {@link AuditKey}) */
    @Singleton
    @Context
    AuditKey auditKey(@Value("${breakglass.audit.key:}") String configured,
                      @Value("${breakglass.data-dir:./data}") String dataDir) {
        AuditKey key = AuditKey.resolve(configured, folder(dataDir));
        LOG.info("The audit log is keyed with the {}", key.describe());
        return key;
    }

    private static Path folder(String dataDir) {
        return Path.of(dataDir.isBlank() ? "./data" : dataDir.strip());
    }
}

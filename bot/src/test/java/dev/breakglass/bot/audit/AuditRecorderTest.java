package dev.breakglass.bot.audit;

import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.port.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the recorder writes about issued credentials: a fingerprint keyed with the audit key, never the bare hash. */
class AuditRecorderTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final TestDatabase db = TestDatabase.h2();

    @AfterEach
    void close() {
        db.close();
    }

    private String fingerprintWrittenWith(AuditKey key, Credentials issued) {
        JdbcAuditLog log = new JdbcAuditLog(db.dataSource(), key);
        Grant grant = Grant.pending(new GrantId(7), new NewGrant("U0ALICE", "orders-db", Optional.of("admin"),
                Duration.ofMinutes(30), "restore the orders replica", Optional.empty(), 1, T0));
        new AuditRecorder(log, Clock.fixed(T0, ZoneOffset.UTC), key)
                .on(new GrantEvent.Activated(grant, Optional.of(issued.fingerprint())));
        var entries = log.forGrant(7);
        return String.valueOf(entries.get(entries.size() - 1).details().get("credentials_fingerprint"));
    }

    @Test
    void theCredentialsFingerprintIsKeyedSoAGuessCannotBeCheckedWithoutTheKey() {
        Credentials issued = new Credentials(Map.of("username", "bg_7", "password", "Summer2026"));
        AuditKey key = AuditKey.random();
        String written = fingerprintWrittenWith(key, issued);

        assertNotEquals(issued.fingerprint(), written, "the bare digest would let anyone test guessed passwords");
        assertEquals(key.credentialsFingerprint(issued.fingerprint()), written);
        assertTrue(written.matches("[0-9a-f]{16}"), written);
        assertEquals(written, fingerprintWrittenWith(key, issued), "the same credentials, the same fingerprint");
        assertNotEquals(written, fingerprintWrittenWith(AuditKey.random(), issued));
        assertFalse(written.contains("Summer2026"));
    }
}

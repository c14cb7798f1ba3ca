package dev.breakglass.bot.activity;

import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.config.AuditKey;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.ActivityLog.Recorded;
import dev.breakglass.port.ActivityLogContract;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activity log contract on a database, plus what only the bot's database shows: one audit entry per stored
 * activity carrying its digest and never its text, in the same chain that still verifies. Subclasses name the
 * database.
 */
public abstract class JdbcActivityLogContract extends ActivityLogContract {
    private TestDatabase db;
    private JdbcAuditLog audit;

    /** A fresh, migrated database for this class. */
    protected abstract TestDatabase openDatabase();

    @Override
    protected ActivityLog openLog() {
        db = openDatabase();
        audit = new JdbcAuditLog(db.dataSource(), AuditKey.random());
        return new JdbcActivityLog(db.dataSource(), audit);
    }

    @Override
    protected void closeLog() {
        db.close();
    }

    @Test
    void everyActivityIsInTheAuditChainAsItsDigestNotItsText() {
        GrantId grant = newGrant();
        List<Recorded> stored = log().append(grant, "postgres-log", List.of(
                        statement(grant, 1, "alter role x password 'hunter2-secret'"),
                        statement(grant, 2, "drop table orders_archive")), Arrays.asList(null, "DROP"),
                Optional.of("p"), T0);
        List<AuditEntry> entries = audit.forGrant(grant.value()).stream()
                .filter(e -> e.type().equals(JdbcActivityLog.AUDIT_TYPE)).toList();
        assertEquals(2, entries.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(stored.get(i).activity().digest(), entries.get(i).details().get("digest"));
            assertEquals(stored.get(i).seq(), ((Number) entries.get(i).details().get("activity_seq")).longValue());
            assertEquals("complete", entries.get(i).details().get("completeness"));
        }
        assertEquals("DROP", entries.get(1).details().get("flag"));
        String all = entries.toString();
        assertFalse(all.contains("orders_archive"), "no statement text in the audit chain: " + all);
        assertFalse(all.contains("hunter2"), all);
        assertTrue(audit.verify().isEmpty(), "the chain still verifies");
    }
}

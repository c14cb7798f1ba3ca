package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.TestDatabase;

/** The audit log contract on H2 in PostgreSQL mode. */
class JdbcAuditLogH2Test extends AuditLogContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

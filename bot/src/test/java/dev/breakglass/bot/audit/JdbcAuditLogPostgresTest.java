package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.TestDatabase;

/** The audit log contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcAuditLogPostgresTest extends AuditLogContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

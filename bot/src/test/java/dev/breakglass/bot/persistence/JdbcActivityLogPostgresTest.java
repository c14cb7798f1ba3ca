package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.ActivityLogContract;

/** The activity log contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcActivityLogPostgresTest extends ActivityLogContract {
    private TestDatabase db;

    @Override
    protected ActivityLog openLog() {
        db = TestDatabase.postgres();
        return new JdbcActivityLog(db.dataSource());
    }

    @Override
    protected void closeLog() {
        db.close();
    }
}

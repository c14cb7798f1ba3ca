package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.port.ActivityLog;
import dev.breakglass.port.ActivityLogContract;

/** The activity log contract on H2 in PostgreSQL mode, the default database. */
class JdbcActivityLogH2Test extends ActivityLogContract {
    private TestDatabase db;

    @Override
    protected ActivityLog openLog() {
        db = TestDatabase.h2();
        return new JdbcActivityLog(db.dataSource());
    }

    @Override
    protected void closeLog() {
        db.close();
    }
}

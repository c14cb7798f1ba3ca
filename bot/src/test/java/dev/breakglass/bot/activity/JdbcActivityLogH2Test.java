package dev.breakglass.bot.activity;

import dev.breakglass.bot.testing.TestDatabase;

/** The activity log contract on H2 in PostgreSQL mode, the default database. */
class JdbcActivityLogH2Test extends JdbcActivityLogContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

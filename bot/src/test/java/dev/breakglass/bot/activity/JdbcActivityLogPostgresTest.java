package dev.breakglass.bot.activity;

import dev.breakglass.bot.testing.TestDatabase;

/** The activity log contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcActivityLogPostgresTest extends JdbcActivityLogContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

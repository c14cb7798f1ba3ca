package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;

/** The grant store contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcGrantStorePostgresTest extends GrantStoreContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

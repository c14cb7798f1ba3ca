package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;

/** The grant store contract on H2 in PostgreSQL mode, the default database. */
class JdbcGrantStoreH2Test extends GrantStoreContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.GrantStoreContract;

/** The grant store contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcGrantStorePostgresTest extends GrantStoreContract {
    private TestDatabase db;

    @Override
    protected GrantStore openStore() {
        db = TestDatabase.postgres();
        return db.grants();
    }

    @Override
    protected void closeStore() {
        db.close();
    }
}

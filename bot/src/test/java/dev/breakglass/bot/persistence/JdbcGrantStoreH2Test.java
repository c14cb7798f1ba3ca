package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.GrantStoreContract;

/** The grant store contract on H2 in PostgreSQL mode, the default database. */
class JdbcGrantStoreH2Test extends GrantStoreContract {
    private TestDatabase db;

    @Override
    protected GrantStore openStore() {
        db = TestDatabase.h2();
        return db.grants();
    }

    @Override
    protected void closeStore() {
        db.close();
    }
}

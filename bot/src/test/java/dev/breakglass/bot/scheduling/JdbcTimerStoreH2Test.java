package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;

/** The timer store contract on H2 in PostgreSQL mode, the default database. */
class JdbcTimerStoreH2Test extends JdbcTimerStoreContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.h2();
    }
}

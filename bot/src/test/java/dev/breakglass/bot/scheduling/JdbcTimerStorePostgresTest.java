package dev.breakglass.bot.scheduling;

import dev.breakglass.bot.testing.TestDatabase;

/** The timer store contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcTimerStorePostgresTest extends JdbcTimerStoreContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.postgres();
    }
}

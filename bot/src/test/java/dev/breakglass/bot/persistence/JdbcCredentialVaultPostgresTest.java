package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;

/** The credential vault contract on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class JdbcCredentialVaultPostgresTest extends JdbcCredentialVaultContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

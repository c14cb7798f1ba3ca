package dev.breakglass.bot.persistence;

import dev.breakglass.bot.testing.TestDatabase;

/** The credential vault contract on H2 in PostgreSQL mode, the default database. */
class JdbcCredentialVaultH2Test extends JdbcCredentialVaultContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

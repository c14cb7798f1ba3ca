package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.TestDatabase;

/** SIEM forwarding on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class SiemForwarderPostgresTest extends SiemForwarderContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

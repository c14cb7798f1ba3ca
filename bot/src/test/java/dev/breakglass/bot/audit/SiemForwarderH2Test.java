package dev.breakglass.bot.audit;

import dev.breakglass.bot.testing.TestDatabase;

/** SIEM forwarding on H2 in PostgreSQL mode. */
class SiemForwarderH2Test extends SiemForwarderContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

package dev.breakglass.bot.events;

import dev.breakglass.bot.testing.TestDatabase;

class EventOutboxPostgresTest extends EventOutboxContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

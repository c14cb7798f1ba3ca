package dev.breakglass.bot.events;

import dev.breakglass.bot.testing.TestDatabase;

class EventOutboxH2Test extends EventOutboxContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

package dev.breakglass.bot.stepup;

import dev.breakglass.bot.testing.TestDatabase;

/** Step-up on H2 in PostgreSQL mode, the default database. */
class StepUpH2Test extends StepUpContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}

package dev.breakglass.bot.stepup;

import dev.breakglass.bot.testing.TestDatabase;

/** Step-up on the real PostgreSQL (skipped with the reason where none answers; required in CI). */
class StepUpPostgresTest extends StepUpContract {
    @Override
    protected TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}

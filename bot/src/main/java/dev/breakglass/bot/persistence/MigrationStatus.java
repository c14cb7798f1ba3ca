package dev.breakglass.bot.persistence;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import jakarta.inject.Singleton;

/**
 * Remembers that Flyway finished migrating the database. Flyway runs while the DataSource is created and a
 * failed migration stops the start, so "finished" means the schema is the one this build expects.
 * Deliberately without dependencies: it is created while the DataSource itself is being created.
 */
@Singleton
public class MigrationStatus implements ApplicationEventListener<MigrationFinishedEvent> {
    private volatile boolean migrated;

    @Override
    public void onApplicationEvent(MigrationFinishedEvent event) {
        migrated = true;
    }

    public boolean migrated() {
        return migrated;
    }
}

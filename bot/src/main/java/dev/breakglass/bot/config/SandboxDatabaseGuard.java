package dev.breakglass.bot.config;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Applies {@link SandboxDatabase} when a data source's settings are read, which is before the pool exists: a
 * refused start has not connected, migrated, or started a scheduler on the shared database.
 */
@Singleton
final class SandboxDatabaseGuard implements BeanCreatedEventListener<DatasourceConfiguration> {
    private final SlackSettings slack;

    SandboxDatabaseGuard(SlackSettings slack) {
        this.slack = slack;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        SandboxDatabase.refusal(slack.mode(), event.getBean().getUrl()).ifPresent(why -> {
            throw new InvalidConfigurationException(why);
        });
        return event.getBean();
    }
}

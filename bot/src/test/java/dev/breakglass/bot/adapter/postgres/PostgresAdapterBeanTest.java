package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bot finds the postgres factory as a bean, made through its {@code @Inject} constructor (the Clock). */
class PostgresAdapterBeanTest {

    @Test
    void thePostgresFactoryIsABeanOfTheBot() {
        try (RunningBot bot = RunningBot.overHttp()) {
            List<TargetAdapterFactory> postgres = bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .filter(f -> f.type().equals("postgres")).toList();

            assertEquals(1, postgres.size(), "factories: " + postgres);
            assertEquals(PostgresAdapterFactory.class, postgres.get(0).getClass());
        }
    }
}

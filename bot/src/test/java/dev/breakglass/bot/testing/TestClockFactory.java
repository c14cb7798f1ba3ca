package dev.breakglass.bot.testing;

import dev.breakglass.bot.config.SettingsFactory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;

/** In tests that set {@code breakglass.test.clock}, the application's clock is that {@link OffsetClock}. */
@Factory
@Requires(property = "breakglass.test.clock")
public class TestClockFactory {
    @Singleton
    @Replaces(value = Clock.class, factory = SettingsFactory.class)
    Clock clock(@Value("${breakglass.test.clock}") String name) {
        return OffsetClock.named(name);
    }
}

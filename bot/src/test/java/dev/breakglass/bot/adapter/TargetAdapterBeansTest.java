package dev.breakglass.bot.adapter;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bot finds the built-in adapter factories as beans, with their dependencies (the Clock) injected. */
class TargetAdapterBeansTest {

    @Test
    void theWebhookFactoryIsABeanOfTheBot() {
        try (RunningBot bot = RunningBot.overHttp()) {
            List<String> types = bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .map(TargetAdapterFactory::type).toList();

            assertTrue(types.contains("webhook"), "factories: " + types);
        }
    }
}

package dev.breakglass.bot.target.command;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bot finds the command adapter factory as a bean, made through its injectable constructor. */
class CommandAdapterFactoryBeanTest {

    @Test
    void theFactoryIsABeanOfTheBot() {
        try (RunningBot bot = RunningBot.overHttp()) {
            List<TargetAdapterFactory> factories = bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .filter(f -> f.type().equals("command")).toList();

            assertEquals(1, factories.size(), "factories of type command");
            assertEquals(CommandAdapterFactory.class, factories.get(0).getClass());
        }
    }
}

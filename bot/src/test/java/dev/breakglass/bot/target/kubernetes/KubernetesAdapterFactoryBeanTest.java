package dev.breakglass.bot.target.kubernetes;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bot finds the kubernetes adapter factory as a bean, made through its injectable constructor. */
class KubernetesAdapterFactoryBeanTest {

    @Test
    void theFactoryIsABeanOfTheBot() {
        try (RunningBot bot = RunningBot.overHttp()) {
            List<TargetAdapterFactory> factories = bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .filter(f -> f.type().equals("kubernetes")).toList();

            assertEquals(1, factories.size(), "factories of type kubernetes");
            assertEquals(KubernetesAdapterFactory.class, factories.get(0).getClass());
        }
    }
}

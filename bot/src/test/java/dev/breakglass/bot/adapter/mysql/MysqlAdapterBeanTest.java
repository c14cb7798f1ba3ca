package dev.breakglass.bot.adapter.mysql;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.port.TargetAdapterFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bot finds the mysql factory as a bean, with the Clock injected, so policies may name {@code adapter: mysql}. */
class MysqlAdapterBeanTest {

    @Test
    void theMysqlFactoryIsABeanOfTheBot() {
        try (RunningBot bot = RunningBot.overHttp()) {
            List<TargetAdapterFactory> mysql = bot.context().getBeansOfType(TargetAdapterFactory.class).stream()
                    .filter(f -> f.type().equals("mysql")).toList();

            assertEquals(1, mysql.size());
            assertEquals(MysqlAdapterFactory.class, mysql.get(0).getClass());
        }
    }
}

package dev.breakglass.bot.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxDatabaseTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:h2:file:./data/breakglass;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "jdbc:h2:mem:bg1;DB_CLOSE_DELAY=-1",
            "jdbc:h2:./data/breakglass",
            "JDBC:H2:FILE:/app/data/breakglass"})
    void embeddedH2IsTheSandboxsOwn(String url) {
        assertTrue(SandboxDatabase.refusal(SlackSettings.Mode.SANDBOX, url).isEmpty(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://db:5432/breakglass?password=hunter2-not-real",
            "jdbc:mariadb://db/breakglass",
            "jdbc:h2:tcp://db:9092/breakglass",
            "jdbc:h2:ssl://db/breakglass",
            "jdbc:h2:file:/shared/breakglass;AUTO_SERVER=TRUE",
            "",
            "not a url"})
    void anythingElseRefusesSandboxModeWithoutRepeatingTheUrl(String url) {
        String why = SandboxDatabase.refusal(SlackSettings.Mode.SANDBOX, url).orElseThrow();
        assertTrue(why.contains("set SLACK_BOT_TOKEN") && why.contains("unset BREAKGLASS_DB_URL"), why);
        assertFalse(why.contains("hunter2") || why.contains("db:") || why.contains("/shared"), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP", "SOCKET_MODE"})
    void withATokenAnyDatabaseIsFine(SlackSettings.Mode mode) {
        assertTrue(SandboxDatabase.refusal(mode, "jdbc:postgresql://db:5432/breakglass").isEmpty());
    }
}

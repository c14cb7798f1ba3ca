package dev.breakglass.bot;

import dev.breakglass.bot.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bot as a real process, started the way the README says ({@code java … dev.breakglass.bot.Application})
 * in an empty working folder with a clean environment.
 */
class ApplicationProcessTest {
    @TempDir
    Path workDir;

    @Test
    void withNoConfigurationItStartsInSandboxModeAndReportsHealthy() throws Exception {
        int port = freePort();
        Process bot = start(Map.of("PORT", Integer.toString(port)));
        try {
            HttpResponse<String> health = awaitHealth(port, bot, Duration.ofSeconds(60));
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            assertTrue(Files.isDirectory(workDir.resolve("data")), "the default H2 file lives in ./data");
        } finally {
            bot.destroy();
            assertTrue(bot.waitFor(30, TimeUnit.SECONDS), "the bot stops on SIGTERM");
        }
        String log = Files.readString(workDir.resolve("bot.log"));
        assertTrue(log.contains("Sandbox mode"), log);
        assertFalse(log.contains("xoxb-sandbox-"), "the sandbox token must not be logged");
    }

    @Test
    void anInvalidPolicyStopsTheStartNamingFileLineAndField() throws Exception {
        Path policy = workDir.resolve("broken.yml");
        Files.writeString(policy, String.join("\n",
                "channels:",
                "  approvals: C0APPROVALS",
                "targets:",
                "  orders-db:",
                "    adapter: postgres",
                "    max-duration: 2x",
                "    approvers: [U0BOB]",
                ""));
        Process bot = start(Map.of("PORT", Integer.toString(freePort()), "BREAKGLASS_POLICY", policy.toString()));
        assertTrue(bot.waitFor(60, TimeUnit.SECONDS), "the bot must stop by itself");
        assertEquals(Application.EXIT_BAD_CONFIGURATION, bot.exitValue());
        String log = Files.readString(workDir.resolve("bot.log"));
        assertTrue(log.contains("Breakglass cannot start: " + policy + " line 6: targets.orders-db.max-duration: "), log);
    }

    @Test
    void aBotTokenWithoutSigningSecretStopsTheStartNamingTheSetting() throws Exception {
        Process bot = start(Map.of("PORT", Integer.toString(freePort()), "SLACK_BOT_TOKEN", "xoxb-test-token"));
        assertTrue(bot.waitFor(60, TimeUnit.SECONDS), "the bot must stop by itself");
        assertEquals(Application.EXIT_BAD_CONFIGURATION, bot.exitValue());
        String log = Files.readString(workDir.resolve("bot.log"));
        assertTrue(log.contains("Breakglass cannot start: SLACK_SIGNING_SECRET is required"), log);
        assertFalse(log.contains("xoxb-test-token"), "tokens are never printed");
    }

    /**
     * No token and a shared database: a replica that lost its token must not join the production scheduler
     * cluster as a sandbox. It stops before it connects: the schema stays empty (no migration, no Quartz rows).
     */
    @Test
    void sandboxModeOnASharedDatabaseRefusesToStartNamingBothWaysOut() throws Exception {
        try (TestDatabase db = TestDatabase.emptyPostgres()) {
            Map<String, String> env = new java.util.HashMap<>(db.env());
            env.put("PORT", Integer.toString(freePort()));
            Process bot = start(env);
            try {
                assertTrue(bot.waitFor(60, TimeUnit.SECONDS), "the bot must stop by itself");
            } finally {
                bot.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // a sandbox that did start holds the schema
            }
            assertEquals(Application.EXIT_BAD_CONFIGURATION, bot.exitValue());
            String log = Files.readString(workDir.resolve("bot.log"));
            assertTrue(log.contains("Breakglass cannot start: sandbox mode (no SLACK_BOT_TOKEN) runs only on its own "
                    + "embedded database, but BREAKGLASS_DB_URL points at a postgresql database."), log);
            assertTrue(log.contains("Either set SLACK_BOT_TOKEN") && log.contains("or unset BREAKGLASS_DB_URL"), log);
            assertFalse(log.contains("currentSchema"), "the URL is not repeated: " + log);
            assertEquals(List.of(), db.tables(), "nothing was created in the shared database");
        }
    }

    private Process start(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Application.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("bot.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("BREAKGLASS_") || k.equals("PORT"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static HttpResponse<String> awaitHealth(int port, Process bot, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline && bot.isAlive()) {
            try {
                last = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (last.statusCode() == 200) {
                    return last;
                }
            } catch (IOException notYetListening) {
                // the server is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no healthy /health within " + timeout + (last == null ? "" : ": " + last.body())
                + (bot.isAlive() ? "" : " (the bot exited with " + bot.exitValue() + ")"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.SandboxBot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console over real HTTP: what it serves, what it refuses, and that a bot with a token has none of it.
 */
class SandboxConsoleAccessTest {
    static SandboxBot bot;

    @BeforeAll
    static void start() {
        bot = new SandboxBot().awaitHealthy(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    @Test
    void servesThePageItsAssetsAndTheWorkspace() {
        HttpResponse<String> page = bot.get("/sandbox");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String asset : new String[] {"console.js", "blockkit.js", "mrkdwn.js", "console.css", "icon.svg"}) {
            assertEquals(200, bot.get("/sandbox/assets/" + asset).statusCode(), asset);
        }
        assertEquals(404, bot.get("/sandbox/assets/..%2Fapplication.yml").statusCode(), "only the console's own files");
        assertEquals(404, bot.get("/sandbox/assets/nothing.js").statusCode());
        String workspace = bot.get("/sandbox/api/workspace").body();
        assertTrue(workspace.contains("\"id\":\"C0APPROVALS\"") && workspace.contains("\"id\":\"U0DAVE\""), workspace);
        assertFalse(workspace.contains("xoxb-"), "no token reaches the page");
    }

    @Test
    void namesWhatIsWrongAndChangesNothing() {
        HttpResponse<String> unknownUser = post("/sandbox/api/command", "{\"user\":\"U0MALLORY\",\"channel\":\"C0APPROVALS\",\"text\":\"help\"}");
        assertEquals(400, unknownUser.statusCode());
        assertTrue(unknownUser.body().contains("no demo user U0MALLORY"), unknownUser.body());
        HttpResponse<String> elsewhere = post("/sandbox/api/command", "{\"user\":\"U0ALICE\",\"channel\":\"D0BOB\",\"text\":\"help\"}");
        assertEquals(400, elsewhere.statusCode(), "Alice cannot type in Bob's DM");
        HttpResponse<String> notJson = post("/sandbox/api/click", "[1,2]");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("must be a JSON object"), notJson.body());
        HttpResponse<String> missing = post("/sandbox/api/click", "{\"user\":\"U0ALICE\",\"channel\":\"C0APPROVALS\"}");
        assertTrue(missing.body().contains("\\\"ts\\\" is required"), missing.body());
        assertTrue(bot.slack().calls("chat.postEphemeral").isEmpty() && bot.slack().responseUrlPosts().isEmpty(),
                "nothing reached the bot");
        assertEquals(200, post("/sandbox/api/command",
                "{\"user\":\"U0ALICE\",\"channel\":\"C0APPROVALS\",\"text\":\"help\"}").statusCode());
    }

    @Test
    void refusesAnotherNameAndAnotherSite() throws IOException {
        String rebound = raw("GET /sandbox/api/workspace HTTP/1.1\r\nHost: evil.example:" + bot.port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("only requests for localhost"), rebound);
        String body = "{\"user\":\"U0BOB\",\"channel\":\"C0APPROVALS\",\"text\":\"help\"}";
        String crossSite = raw("POST /sandbox/api/command HTTP/1.1\r\nHost: localhost:" + bot.port()
                + "\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertTrue(crossSite.startsWith("HTTP/1.1 403"), crossSite);
    }

    @Test
    void aBotWithATokenHasNoConsole() {
        try (RunningBot real = RunningBot.overHttp()) {
            real.awaitHealthy(Duration.ofSeconds(60));
            for (String path : new String[] {"/sandbox", "/sandbox/assets/console.js", "/sandbox/api/workspace",
                    "/sandbox/api/state?user=U0ALICE"}) {
                assertEquals(404, real.get(path).statusCode(), path);
            }
            assertFalse(real.context().containsBean(SandboxConsole.class), "no console bean with a token");
        }
    }

    private static HttpResponse<String> post(String path, String json) {
        return bot.send(HttpRequest.newBuilder(bot.url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A hand-written HTTP request (Java's client will not send a Host header of our choosing). */
    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", bot.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.testing.Browser;
import dev.breakglass.bot.testing.BotProcess;
import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command as a newcomer types it: {@code java -jar bot/target/breakglass-bot.jar} in an empty
 * folder with no settings ends its output with the console's address, and that page loads and shows the demo
 * workspace in a real browser with no other step.
 */
class QuickStartIT {
    @TempDir
    Path workDir;

    @Test
    void theRunCommandPrintsTheConsoleAndThePageLoads() throws Exception {
        Path log = workDir.resolve("bot.log");
        try (BotProcess bot = new BotProcess(Map.of(), log).in(workDir).start()) {
            String banner = "Sandbox: open http://localhost:" + bot.port() + "/sandbox";
            RunningBot.await(Duration.ofSeconds(90), () -> lines(log).contains(banner),
                    () -> "no \"" + banner + "\" line; output:\n" + bot.tail());
            List<String> lines = lines(log);
            assertEquals(banner, lines.get(lines.size() - 1), "the address is the last line: " + bot.tail());

            URI page = URI.create("http://localhost:" + bot.port() + "/sandbox");
            HttpResponse<String> html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(page).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, html.statusCode());
            assertTrue(html.body().contains("/sandbox/assets/console.js"), html.body());

            ChromeDriver browser = Browser.open();
            try {
                browser.get(page.toString());
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(d ->
                        d.findElement(By.cssSelector(".sidebar")).getText().contains("# breakglass-approvals"));
                assertTrue(browser.findElement(By.id("user-switcher")).getText().contains("Alice Anders"));
            } finally {
                browser.quit();
            }
        }
    }

    private static List<String> lines(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}

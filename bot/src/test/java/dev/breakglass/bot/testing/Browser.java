package dev.breakglass.bot.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Real headless Chromium, driven through Debian's {@code chromedriver} (Selenium Manager cannot download anything
 * here). Missing browser: the test is skipped with the reason, unless {@code BREAKGLASS_TEST_BROWSER_REQUIRED=true}
 * (CI, whose {@code .ci/run} installs {@code chromium} and {@code chromium-driver}), where it fails instead.
 */
public final class Browser {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    /** A new browser window of its own profile, 1400×900. */
    public static ChromeDriver open() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String reason = "Chromium or chromedriver not installed (apt-get install chromium chromium-driver)";
            if (Boolean.parseBoolean(System.getenv().getOrDefault("BREAKGLASS_TEST_BROWSER_REQUIRED", "false"))) {
                throw new AssertionError(reason + " and BREAKGLASS_TEST_BROWSER_REQUIRED=true");
            }
            System.err.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--window-size=1400,900", "--user-data-dir=" + tempDir("breakglass-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the window shows as a PNG. */
    public static Path screenshot(ChromeDriver driver, Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.breakglass.bot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Slack's own sample material (../shared/slack-samples next to the repository, or {@code -Dslack.samples=…}).
 * Read in place, never copied into the repository; tests that need it are skipped, saying why, when it is absent.
 */
public final class SlackSamples {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SlackSamples() {
    }

    public static Optional<Path> folder() {
        String configured = System.getProperty("slack.samples", System.getenv("SLACK_SAMPLES"));
        if (configured != null) {
            Path p = Paths.get(configured);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("slack-samples");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The file, or the test is skipped with the reason. */
    public static Path require(String relative) {
        Optional<Path> folder = folder();
        assumeTrue(folder.isPresent(), "Slack samples not found (../shared/slack-samples or -Dslack.samples): skipping");
        Path file = folder.get().resolve(relative);
        assumeTrue(Files.isRegularFile(file), "Slack sample " + relative + " is missing: skipping");
        return file;
    }

    public static String text(String relative) {
        try {
            return Files.readString(require(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String relative) {
        try {
            return MAPPER.readTree(text(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.breakglass.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real Slack material (../shared/slack-samples, outside the repository): payloads, responses and the
 * documented signing example. Tests that need it are skipped, with the reason, where it is absent.
 */
public final class SlackSamples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackSamples() {
    }

    /** The samples folder, or the test is skipped. Override with {@code BREAKGLASS_SLACK_SAMPLES}. */
    public static Path folder() {
        String configured = System.getenv("BREAKGLASS_SLACK_SAMPLES");
        Path dir = configured != null ? Path.of(configured) : locate();
        Assumptions.assumeTrue(dir != null && Files.isDirectory(dir),
                "Slack samples folder not found (../shared/slack-samples or BREAKGLASS_SLACK_SAMPLES)");
        return dir;
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(folder().resolve(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/slack-samples");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

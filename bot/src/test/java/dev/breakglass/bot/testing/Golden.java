package dev.breakglass.bot.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden files under {@code bot/src/test/resources/golden}: what the bot says, as it says it, kept in the repository so
 * a changed template or a changed renderer shows as a failing test and a reviewable diff.
 *
 * <p>To accept a deliberate change of wording, run the tests with {@code -Dgolden.update=true} and review the diff of
 * {@code src/test/resources/golden/}. Without the switch a missing golden file fails, never passes.
 */
public final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {
    }

    /** {@code actual} equals the golden file {@code name} (or is written to it with the update switch). */
    public static void assertMatches(String name, String actual) throws IOException {
        Path file = DIR.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual.stripTrailing() + "\n", StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(file), "no golden file " + file + "; run with -Dgolden.update=true and review it");
        // Trailing white space is not compared: a file ends with one line break, whatever editors do.
        assertEquals(Files.readString(file, StandardCharsets.UTF_8).stripTrailing(), actual.stripTrailing(),
                "golden file " + file);
    }

    /**
     * Many cases in one golden file, each under a {@code ## case} heading, in the order they were added: one file per
     * kind of message keeps a wording change to one reviewable diff.
     */
    public static final class Cases {
        private final Map<String, String> cases = new LinkedHashMap<>();

        public Cases add(String name, String text) {
            if (cases.putIfAbsent(name, text) != null) {
                throw new IllegalArgumentException("case " + name + " twice");
            }
            return this;
        }

        public void assertMatches(String file) throws IOException {
            StringBuilder out = new StringBuilder();
            cases.forEach((name, text) -> out.append("## ").append(name).append('\n').append(text).append("\n\n"));
            Golden.assertMatches(file, out.toString());
        }
    }
}

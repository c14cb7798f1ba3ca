package dev.breakglass.bot.adapter.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code breakglass/<version>}: the jar manifest's version, else Maven's pom.properties, else {@code dev}. */
final class UserAgent {
    static final String VALUE = "breakglass/" + version();

    private UserAgent() {
    }

    private static String version() {
        String manifest = UserAgent.class.getPackage().getImplementationVersion();
        if (manifest != null && !manifest.isBlank()) {
            return manifest;
        }
        // maven-jar-plugin puts this in every jar (and the shaded jar keeps it); classes run from target/ lack it.
        try (InputStream in = UserAgent.class.getResourceAsStream(
                "/META-INF/maven/dev.breakglass/breakglass-bot/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String version = p.getProperty("version", "").trim();
                if (!version.isEmpty()) {
                    return version;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // An unreadable version is not worth failing over: the header is informational.
        }
        return "dev";
    }
}

package dev.breakglass.bot.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Sandbox mode runs only on its own embedded database, never by accident on a shared one.
 *
 * <p>Without a bot token the bot plays its own Slack and makes up its people; on a shared database it would join the
 * production scheduler cluster (Quartz is always clustered) and expire, revoke and remind grants it cannot tell
 * anyone about. So a JDBC URL that is not an embedded H2 database refuses the start, before anything connects
 * (no migration, no scheduler rows).
 *
 * <p>Embedded means an H2 URL that this process opens itself: {@code jdbc:h2:mem:…}, {@code jdbc:h2:file:…} or a
 * bare path. H2 locks a file database to one process, so such a file cannot be shared by replicas. Refused: any
 * other database ({@code jdbc:postgresql:…}), H2's server modes ({@code jdbc:h2:tcp:}, {@code jdbc:h2:ssl:}) and
 * {@code AUTO_SERVER=TRUE}, which let other processes open the same file (a data folder shared between replicas).
 */
public final class SandboxDatabase {
    private SandboxDatabase() {
    }

    /**
     * Why sandbox mode may not run on {@code jdbcUrl}, as the one line the operator reads; empty when the URL is
     * an embedded database, or when the bot is not in sandbox mode. The message never repeats the URL (it may
     * hold a password), only the kind of database.
     */
    public static Optional<String> refusal(SlackSettings.Mode mode, String jdbcUrl) {
        if (mode != SlackSettings.Mode.SANDBOX || isEmbedded(jdbcUrl)) {
            return Optional.empty();
        }
        return Optional.of("sandbox mode (no SLACK_BOT_TOKEN) runs only on its own embedded database, but "
                + "BREAKGLASS_DB_URL points at " + describe(jdbcUrl) + ". A sandbox must never share a database, "
                + "or join its scheduler cluster, with real bots. Either set SLACK_BOT_TOKEN (with "
                + "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) to run against Slack, or unset BREAKGLASS_DB_URL to try "
                + "the sandbox on its embedded H2 database.");
    }

    /** True for an H2 database this process opens itself (in memory, or a file H2 locks to one process). */
    static boolean isEmbedded(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.strip().toLowerCase(Locale.ROOT);
        if (!url.startsWith("jdbc:h2:")) {
            return false;
        }
        String rest = url.substring("jdbc:h2:".length());
        return !rest.startsWith("tcp:") && !rest.startsWith("ssl:") && !rest.replace(" ", "").contains("auto_server=true");
    }

    /** "a postgresql database", "a shared H2 database (server mode or AUTO_SERVER)": the kind, never the URL. */
    private static String describe(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.strip().toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return "a shared H2 database (server mode or AUTO_SERVER)";
        }
        String[] parts = url.split(":", 3);
        String kind = parts.length >= 2 && parts[0].equals("jdbc") && parts[1].matches("[a-z0-9]{1,20}")
                ? parts[1] : "an unrecognised";
        return (kind.equals("an unrecognised") ? kind : "a " + kind) + " database";
    }
}

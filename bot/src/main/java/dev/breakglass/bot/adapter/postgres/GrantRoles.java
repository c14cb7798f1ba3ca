package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.grant.GrantId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How PostgreSQL roles are tied to grants: the per-grant role's name, and the role comment that marks which grant a
 * role belongs to.
 *
 * <p>The comment ({@code COMMENT ON ROLE}) is the adapter's only state on the server. A per-grant role carries
 * {@code breakglass BG-7 …} from its creation, so a role of the same name that Breakglass did not make is never
 * given a new password or dropped. The shared account carries its current holder the same way while a grant holds
 * it, and {@code breakglass idle …} otherwise, so a second grant is refused while the first is live and a revoke of
 * an older grant leaves the current holder alone.
 */
final class GrantRoles {
    static final String PREFIX = "bg_";
    private static final Pattern HOLDER = Pattern.compile("^breakglass (BG-[1-9][0-9]*)(?: |$)");

    private GrantRoles() {
    }

    /**
     * {@code bg_<n>_<slack user>}, e.g. {@code bg_7_u0alice}: lower case, letters, digits and {@code _} only (other
     * characters become {@code _}), cut to 63 bytes. The grant number comes first, so names stay unique when cut.
     */
    static String perGrantRole(GrantId id, String slackUserId) {
        String user = slackUserId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String name = PREFIX + id.value() + "_" + user;
        if (user.isEmpty()) {
            name = PREFIX + id.value();
        }
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return bytes.length <= PostgresSettings.MAX_NAME_BYTES ? name
                : new String(bytes, 0, PostgresSettings.MAX_NAME_BYTES, StandardCharsets.US_ASCII);
    }

    /** The comment of a role that {@code id} holds: its grant, requester, target and end, for people reading it. */
    static String holderComment(GrantId id, String slackUserId, String target, Instant expiresAt) {
        return "breakglass " + id + " for " + slackUserId + " on " + target + " until " + time(expiresAt);
    }

    /** The comment of the shared account when no grant holds it. */
    static String idleComment(GrantId lastHolder, Instant at) {
        return "breakglass idle since " + lastHolder + " ended at " + time(at);
    }

    /** The grant a role's comment names as its holder; empty for none, idle, or a comment Breakglass did not write. */
    static Optional<GrantId> holder(String comment) {
        if (comment == null) {
            return Optional.empty();
        }
        Matcher m = HOLDER.matcher(comment);
        return m.find() ? GrantId.parse(m.group(1)) : Optional.empty();
    }

    private static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}

package dev.breakglass.bot.sandbox.state;

import java.util.Objects;

/**
 * A Slack workspace as the emulator presents it.
 *
 * @param id     team id, {@code T…}
 * @param name   display name, returned as {@code team} by {@code auth.test}
 * @param domain subdomain: {@code https://<domain>.slack.com/} in {@code auth.test} and permalinks
 */
public record Team(String id, String name, String domain) {
    public Team {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        if (!id.startsWith("T") && !id.startsWith("E")) {
            throw new IllegalArgumentException("a team id starts with T (or E for an org): " + id);
        }
    }

    /** {@code https://<domain>.slack.com/}, as {@code auth.test} returns it. */
    public String url() {
        return "https://" + domain + ".slack.com/";
    }
}

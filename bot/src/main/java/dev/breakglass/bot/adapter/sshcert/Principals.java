package dev.breakglass.bot.adapter.sshcert;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which principals (login names, or names that {@code AuthorizedPrincipalsFile} maps to logins) a certificate
 * carries ({@code settings.principals}): the same list for every grant, or one list per policy role.
 *
 * <p>Edge cases of {@link #forRole}: with a plain list, every grant gets it, whatever its role (the policy's roles
 * then only label the request). With lists per role, a grant for a role that has none, or a grant without a role,
 * gets nothing, and the grant fails: the adapter is not told the target's roles at start, so this is the one
 * mistake found only at the first grant. Each list is non-empty, free of duplicates, and each principal is
 * non-empty text without commas, spaces or control characters (ssh-keygen takes them comma-separated).
 *
 * @param all    the list for every grant, when not per role
 * @param byRole role → list, when per role (sorted by role, for messages)
 */
record Principals(Optional<List<String>> all, Map<String, List<String>> byRole) {
    Principals {
        Objects.requireNonNull(all, "all");
        all = all.map(List::copyOf);
        TreeMap<String, List<String>> copy = new TreeMap<>();
        byRole.forEach((role, list) -> copy.put(role, List.copyOf(list)));
        byRole = java.util.Collections.unmodifiableSortedMap(copy);
        if (all.isPresent() == !byRole.isEmpty()) {
            throw new IllegalArgumentException("principals: either one list or lists per role");
        }
    }

    static Principals of(List<String> all) {
        return new Principals(Optional.of(all), Map.of());
    }

    static Principals perRole(Map<String, List<String>> byRole) {
        return new Principals(Optional.empty(), byRole);
    }

    /** The principals for a grant with {@code role}; empty when the settings give none for it. */
    Optional<List<String>> forRole(Optional<String> role) {
        if (all.isPresent()) {
            return all;
        }
        return role.map(byRole::get);
    }

    /** Why {@link #forRole} found nothing, for the grant's failure message. */
    String missing(Optional<String> role) {
        return role.map(r -> "settings.principals has no principals for role \"" + r + "\" (it has: "
                        + String.join(", ", byRole.keySet()) + ")")
                .orElse("the grant has no role, but settings.principals gives principals per role ("
                        + String.join(", ", byRole.keySet()) + "); give a plain list for a target without roles");
    }
}

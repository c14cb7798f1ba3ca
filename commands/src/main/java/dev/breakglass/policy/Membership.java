package dev.breakglass.policy;

import dev.breakglass.port.PeopleDirectory;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Whether a user is among a policy list of principals; asks the directory for user groups only when needed.
 * {@link #allows} may use the directory's short cache (for showing things); {@link #allowsNow} asks for the
 * memberships as they are now (for acting). Only {@link Permissions} asks.
 */
final class Membership {
    private Membership() {
    }

    /** True when {@code user} is among {@code principals}, directly, through a user group, or as anyone. */
    static boolean allows(PeopleDirectory people, List<Principal> principals, String user) {
        return allows(principals, user, people::groupsOf);
    }

    /** Like {@link #allows}, with the user's group memberships as they are now, never cached. */
    static boolean allowsNow(PeopleDirectory people, List<Principal> principals, String user) {
        return allows(principals, user, people::currentGroupsOf);
    }

    private static boolean allows(List<Principal> principals, String user,
                                  BiFunction<String, Set<String>, Set<String>> groupsOf) {
        Set<String> groups = principals.stream().filter(p -> p instanceof Principal.UserGroupId)
                .map(Principal::text).collect(Collectors.toSet());
        Set<String> memberships = groups.isEmpty() || principals.stream().anyMatch(p -> p.includes(user, Set.of()))
                ? Set.of() : groupsOf.apply(user, groups);
        return principals.stream().anyMatch(p -> p.includes(user, memberships));
    }
}

package dev.breakglass.grant;

import dev.breakglass.policy.Principal;
import dev.breakglass.port.PeopleDirectory;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Whether a user is among a policy list of principals; asks the directory for user groups only when needed. */
final class Membership {
    private Membership() {
    }

    /** True when {@code user} is among {@code principals}, directly, through a user group, or as anyone. */
    static boolean allows(PeopleDirectory people, List<Principal> principals, String user) {
        Set<String> groups = principals.stream().filter(p -> p instanceof Principal.UserGroupId)
                .map(Principal::text).collect(Collectors.toSet());
        Set<String> memberships = groups.isEmpty() || principals.stream().anyMatch(p -> p.includes(user, Set.of()))
                ? Set.of() : people.groupsOf(user, groups);
        return principals.stream().anyMatch(p -> p.includes(user, memberships));
    }
}

package dev.breakglass.port;

import java.util.Optional;
import java.util.Set;

/** Who people are: group memberships and contact details, from the chat workspace. */
public interface PeopleDirectory {

    /**
     * Which of {@code groupIds} the user belongs to. Implementations may cache briefly (a minute): a removal
     * from a group takes effect within that time.
     */
    Set<String> groupsOf(String userId, Set<String> groupIds);

    /** The user's email, when the workspace has one. */
    Optional<String> email(String userId);
}

package dev.breakglass.port;

import java.util.Optional;
import java.util.Set;

/** Who people are: group memberships and contact details, from the chat workspace. */
public interface PeopleDirectory {

    /**
     * Which of {@code groupIds} the user belongs to, for showing things (who may see a grant, which targets a
     * form offers). Implementations may cache briefly (a minute): a removal from a group shows within that time.
     */
    Set<String> groupsOf(String userId, Set<String> groupIds);

    /**
     * Which of {@code groupIds} the user belongs to right now, for deciding whether they may act (approve, break
     * the glass, extend, reveal…): never from a cache, so a person removed from a group cannot act a moment
     * later. When the directory cannot answer, the user counts as a member of none (fail closed).
     */
    Set<String> currentGroupsOf(String userId, Set<String> groupIds);

    /** The user's email, when the workspace has one. */
    Optional<String> email(String userId);
}

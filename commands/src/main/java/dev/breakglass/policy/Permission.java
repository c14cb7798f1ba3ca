package dev.breakglass.policy;

import dev.breakglass.grant.Reply;

import java.util.Objects;

/** What {@link Permissions} answers about one action by one person: allowed, or refused with what to tell them. */
public sealed interface Permission {

    /** The person may go on. */
    record Allowed() implements Permission {
    }

    /** The person may not; {@code reply} says why (and what to do about it, where there is something). */
    record Refused(Reply reply) implements Permission {
        public Refused {
            Objects.requireNonNull(reply, "reply");
        }
    }

    Permission ALLOWED = new Allowed();
}

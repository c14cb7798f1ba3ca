package dev.breakglass.grant;

import java.util.Optional;

/** What a use case did, with the reply for the person who asked. */
public sealed interface Outcome {

    Reply reply();

    /** The change was made. */
    record Done(Grant grant, Reply reply) implements Outcome {}

    /** Nothing changed because the grant already is where the request would take it (a repeated click). */
    record Unchanged(Grant grant, Reply reply) implements Outcome {}

    /**
     * Refused by a rule; nothing changed.
     *
     * @param field the form field at fault, when one is
     */
    record Refused(Reply reply, Optional<Field> field) implements Outcome {
        public Refused(Reply reply) {
            this(reply, Optional.empty());
        }
    }

    /** The request form's fields, for errors shown next to the right one. */
    enum Field { TARGET, KIND, ROLE, DURATION, JUSTIFICATION, INCIDENT, STEP_UP }
}

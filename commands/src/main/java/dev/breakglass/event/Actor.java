package dev.breakglass.event;

import java.util.Objects;

/**
 * Who caused a {@link GrantEvent}: a person, by chat user id, or the bot itself (a timer, a sweep, provisioning).
 * Listeners say who did something from here, never by guessing from the grant.
 */
public sealed interface Actor {

    /** A person, by chat user id (never blank). */
    record Person(String userId) implements Actor {
        public Person {
            Objects.requireNonNull(userId, "userId");
            if (userId.isBlank()) {
                throw new IllegalArgumentException("a person's user id must not be blank");
            }
        }
    }

    /** The bot on its own, for {@code why} (the timer or the work that made the change): "expiry", "sweep"… */
    record Bot(String why) implements Actor {
        public Bot {
            Objects.requireNonNull(why, "why");
        }
    }

    static Actor person(String userId) {
        return new Person(userId);
    }

    static Actor bot(String why) {
        return new Bot(why);
    }
}

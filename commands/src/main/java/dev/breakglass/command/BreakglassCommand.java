package dev.breakglass.command;

import dev.breakglass.grant.GrantId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid {@code /breakglass} command, one record per subcommand. Handlers switch over it exhaustively and never
 * look at the raw text again.
 *
 * <p>The records check what holds for any command (no nulls, positive durations, free text present and without
 * surrounding white space); the limits that depend on policy (justification length, which targets exist, maximum
 * durations) are checked by {@link CommandParser} and the use cases.
 */
public sealed interface BreakglassCommand extends ParseResult {

    /** {@code /breakglass} with no text (or only white space): open the request form (a modal). */
    record OpenForm() implements BreakglassCommand {
    }

    /**
     * {@code request <target>[:<role>] <duration> [kind:<id>] [incident:<reference>] <justification…>}: ask for
     * access.
     *
     * @param target        what to access, with the role if one was named
     * @param duration      how long, positive
     * @param kind          the emergency it is for ({@code kind:<id>}), as typed; whether the policy knows it is the
     *                      use case's to say
     * @param incident      the incident reference ({@code incident:<reference>}), as typed
     * @param justification why, as typed (newlines kept), without surrounding white space; not blank
     */
    record Request(TargetRef target, Duration duration, Optional<String> kind, Optional<String> incident,
                   String justification) implements BreakglassCommand {
        public Request {
            Objects.requireNonNull(target, "target");
            requirePositive(duration);
            requireWord(kind, "kind");
            requireWord(incident, "incident");
            requireText(justification, "justification");
        }

        /** A request that names no emergency kind and no incident. */
        public Request(TargetRef target, Duration duration, String justification) {
            this(target, duration, Optional.empty(), Optional.empty(), justification);
        }
    }

    /** {@code list}: pending and active grants the user can see. */
    record ListGrants() implements BreakglassCommand {
    }

    /** {@code status <id>}: where one grant stands. */
    record Status(GrantId id) implements BreakglassCommand {
        public Status {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * {@code revoke <id> [reason…]}: end a grant now.
     *
     * @param id     the grant
     * @param reason why, as typed, without surrounding white space; empty when none was given, never blank
     */
    record Revoke(GrantId id, Optional<String> reason) implements BreakglassCommand {
        public Revoke {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
            reason.ifPresent(r -> requireText(r, "reason"));
        }
    }

    /**
     * {@code extend <id> <duration> <justification…>}: ask for more time (approved again like a request).
     *
     * @param id            the grant
     * @param duration      how much more time, positive
     * @param justification why, as typed, without surrounding white space; not blank
     */
    record Extend(GrantId id, Duration duration, String justification) implements BreakglassCommand {
        public Extend {
            Objects.requireNonNull(id, "id");
            requirePositive(duration);
            requireText(justification, "justification");
        }
    }

    /** {@code review <id>}: open the post-mortem form for a grant. */
    record Review(GrantId id) implements BreakglassCommand {
        public Review {
            Objects.requireNonNull(id, "id");
        }
    }

    /** {@code audit <id>}: the timeline of one grant. */
    record Audit(GrantId id) implements BreakglassCommand {
        public Audit {
            Objects.requireNonNull(id, "id");
        }
    }

    /** {@code mfa enroll}: set up the second factor (opens the enrolment modal). */
    record MfaEnroll() implements BreakglassCommand {
    }

    /** {@code mfa status}: whether the person is enrolled or locked, and where step-up applies. */
    record MfaStatus() implements BreakglassCommand {
    }

    /**
     * {@code mfa reset <user>}: a security admin removes someone's enrolment (a lost phone).
     *
     * @param user the Slack user id ({@code U…} or {@code W…}), from a mention or typed
     */
    record MfaReset(String user) implements BreakglassCommand {
        public MfaReset {
            Objects.requireNonNull(user, "user");
            if (!user.matches("[UW][A-Z0-9]{1,31}")) {
                throw new IllegalArgumentException("not a Slack user id: " + user);
            }
        }
    }

    /** {@code help}: list the subcommands ({@link CommandParser#usages()}). */
    record Help() implements BreakglassCommand {
    }

    private static void requirePositive(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
    }

    private static void requireWord(Optional<String> word, String what) {
        Objects.requireNonNull(word, what);
        word.ifPresent(w -> {
            if (w.isEmpty() || w.codePoints().anyMatch(Text::isWhitespace)) {
                throw new IllegalArgumentException(what + " must be one word: " + w);
            }
        });
    }

    private static void requireText(String text, String what) {
        Objects.requireNonNull(text, what);
        if (text.isEmpty() || !Text.strip(text).equals(text)) {
            throw new IllegalArgumentException(what + " must be non-blank text without surrounding white space");
        }
    }
}

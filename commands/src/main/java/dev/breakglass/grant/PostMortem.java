package dev.breakglass.grant;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The review of a grant once its access is gone: the thread is opened, the requester is reminded until the
 * review is written, and a reviewer signs it off.
 *
 * <p>Edge cases: {@code nextReminderAt} is empty before the thread is opened, once the review is written, and
 * for a grant whose review the policy does not require; {@code reminders} counts reminders sent, not the
 * opening; a sign-off exists only with a review.
 *
 * @param openedAt       when the post-mortem thread was opened (empty until then)
 * @param reminders      reminders sent so far
 * @param nextReminderAt when the next reminder is due
 * @param review         the requester's answers, once written
 * @param signOff        the reviewer's acceptance, once given
 * @param predatesReviews the grant ended before post-mortems existed (a database upgraded from before them): it
 *                        has none, and is neither opened, reminded nor owed
 */
public record PostMortem(Optional<Instant> openedAt, int reminders, Optional<Instant> nextReminderAt,
                         Optional<Review> review, Optional<SignOff> signOff, boolean predatesReviews) {

    /** Nothing yet: access has not ended, or the thread is not open. */
    public static final PostMortem NONE = new PostMortem(Optional.empty(), 0, Optional.empty(), Optional.empty(),
            Optional.empty(), false);

    public PostMortem {
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(nextReminderAt, "nextReminderAt");
        Objects.requireNonNull(review, "review");
        Objects.requireNonNull(signOff, "signOff");
        if (reminders < 0) {
            throw new IllegalArgumentException("reminders must not be negative: " + reminders);
        }
        if (signOff.isPresent() && review.isEmpty()) {
            throw new IllegalArgumentException("a sign-off needs a written review");
        }
    }

    /** The thread is open at {@code now}; reminders start at {@code firstReminder}, if any. */
    PostMortem opened(Instant now, Optional<Instant> firstReminder) {
        return new PostMortem(Optional.of(now), reminders, firstReminder, review, signOff, predatesReviews);
    }

    /** One more reminder was sent; the next is due at {@code next}. */
    PostMortem reminded(Instant next) {
        return new PostMortem(openedAt, reminders + 1, Optional.of(next), review, signOff, predatesReviews);
    }

    /** The review is written: reminders stop. */
    PostMortem written(Review written) {
        return new PostMortem(openedAt, reminders, Optional.empty(), Optional.of(written), signOff, predatesReviews);
    }

    /** A reviewer accepted the review. */
    PostMortem signedOff(SignOff by) {
        return new PostMortem(openedAt, reminders, Optional.empty(), review, Optional.of(by), predatesReviews);
    }
}

package dev.breakglass.grant;

import dev.breakglass.port.GrantStore;

import java.util.Optional;
import java.util.function.Function;

/**
 * The one way a use case changes a grant: read it, decide, compare-and-set on its version; on a lost race read again
 * and decide again. The decision's events are saved with it, in the same transaction (delivered from the store after
 * the commit, so a crash right after the save loses none), and then the follow-up (a timer) runs. Shared by every use
 * case ({@link RequestService}, {@link AccessService}, {@link ExtensionService}, {@link ReviewService}), so all obey
 * the same race rules.
 */
final class GrantChanges {
    private static final int MAX_ATTEMPTS = 20;

    private final GrantStore store;

    GrantChanges(GrantStore store) {
        this.store = store;
    }

    /**
     * {@link #change(GrantId, Function)} for {@code action}: where the state table says it does not apply
     * ({@link Step#unless}), stops with {@code why}; else runs {@code decide}.
     */
    Outcome change(GrantId id, GrantState.Action action, Function<Grant, Reply> why, Function<Grant, Step> decide) {
        return change(id, grant -> Step.unless(grant, action, why).orElseGet(() -> decide.apply(grant)));
    }

    /**
     * Runs {@code decide} on the stored grant until its decision is saved or it stops.
     *
     * @return the decision's outcome; Refused when the grant does not exist or keeps changing under us
     */
    Outcome change(GrantId id, Function<Grant, Step> decide) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Grant> current = store.find(id);
            if (current.isEmpty()) {
                return new Outcome.Refused(Reply.named("grant.notFound", "id", id));
            }
            Step step = decide.apply(current.get());
            if (step instanceof Step.Stop stop) {
                return stop.outcome();
            }
            Step.Save save = (Step.Save) step;
            Optional<Grant> saved = store.update(save.next(), save.events());
            if (saved.isPresent()) {
                try {
                    save.then().accept(saved.get());
                } catch (RuntimeException timerNotStored) {
                    // The change is saved and stays done. A timer the scheduler could not store (its adapter
                    // reports why) is caught up by the sweeps: provisioning, timeouts, expiry, retries, reviews.
                }
                return new Outcome.Done(saved.get(), save.reply());
            }
        }
        return new Outcome.Refused(Reply.named("grant.tooFast", "id", id));
    }
}

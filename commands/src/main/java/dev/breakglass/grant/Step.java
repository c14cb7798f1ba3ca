package dev.breakglass.grant;

import dev.breakglass.event.GrantEvent;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** One decision of {@link GrantChanges#change}: save this, or stop with that. */
sealed interface Step {
    /**
     * Save {@code next} with the {@code events} of the saved grant (one transaction); then run {@code then} (a timer).
     */
    record Save(Grant next, Function<Grant, List<GrantEvent>> events, Reply reply, Consumer<Grant> then)
            implements Step {}

    /** Change nothing; answer with {@code outcome}. */
    record Stop(Outcome outcome) implements Step {}

    static Step save(Grant next, Function<Grant, GrantEvent> event, Reply reply, Consumer<Grant> then) {
        return new Save(next, saved -> List.of(event.apply(saved)), reply, then);
    }

    static Step saveAll(Grant next, Function<Grant, List<GrantEvent>> events, Reply reply, Consumer<Grant> then) {
        return new Save(next, events, reply, then);
    }

    /** Saved without telling anyone: bookkeeping such as claiming a revocation. */
    static Step quiet(Grant next) {
        return new Save(next, saved -> List.of(), Reply.of(""), saved -> { });
    }

    static Step stop(Outcome outcome) {
        return new Stop(outcome);
    }

    /**
     * The state table's word on {@code action} for {@code grant} ({@link GrantState#on}): empty when the action
     * applies; else {@link Outcome.Unchanged} for a harmless repeat or {@link Outcome.Refused} for an illegal step,
     * saying {@code why} (the use case's words for the grant as it is).
     */
    static Optional<Outcome> whyNot(Grant grant, GrantState.Action action, Function<Grant, Reply> why) {
        return switch (grant.state().on(action)) {
            case PROCEED -> Optional.empty();
            case NO_OP -> Optional.of(new Outcome.Unchanged(grant, why.apply(grant)));
            case ILLEGAL -> Optional.of(new Outcome.Refused(why.apply(grant)));
        };
    }

    /** {@link #whyNot} as the stop of a decision: empty when the action applies. */
    static Optional<Step> unless(Grant grant, GrantState.Action action, Function<Grant, Reply> why) {
        return whyNot(grant, action, why).map(Step::stop);
    }
}

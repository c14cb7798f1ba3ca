package dev.breakglass.grant;

import dev.breakglass.grant.Outcome.Field;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.stepup.StepUpProof;
import java.time.Clock;
import java.util.Optional;

/** The step-up rule of the use cases that need it: whether an action counts yet, and recording who passed. */
final class StepUpGuard {
    private final Policy policy;
    private final Clock clock;

    StepUpGuard(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Why {@code action} by {@code user} does not count yet: the policy asks for step-up on {@code target} and
     * {@code proof} does not vouch for {@code user} now. Empty when it may go on.
     *
     * @param what the action, for the message: "Approving BG-7"… (a named reply of {@code reply-step-up})
     */
    Optional<Outcome> missing(String target, StepUpPolicy.Action action, String user,
                            Optional<StepUpProof> proof, Reply what) {
        if (!policy.stepUpRequired(target, action) || proof.filter(p -> p.vouchesFor(user, clock.instant())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Outcome.Refused(Reply.named("stepUp.needed", "what", what), Optional.of(Field.STEP_UP)));
    }

    /** {@code next}, recording that {@code user} passed step-up when {@code proof} vouches for them. */
    Grant verified(Grant next, String user, Optional<StepUpProof> proof) {
        return proof.filter(p -> p.vouchesFor(user, clock.instant())).isPresent() ? next.withStepUpVerified(user) : next;
    }
}

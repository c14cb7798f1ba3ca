package dev.breakglass.port;

import dev.breakglass.stepup.StepUpEvent;

/**
 * Tells the world about step-up: the audit log records every event, the notify channels hear of lockouts, a person
 * whose enrolment was reset is told. Never sees a secret or a code.
 */
public interface StepUpEvents {
    void publish(StepUpEvent event);
}

/**
 * Step-up: a second factor before an action that gives access counts. {@link dev.breakglass.stepup.StepUpService}
 * checks codes through the {@link dev.breakglass.port.StepUp} port, counts failures and locks people out
 * ({@link dev.breakglass.port.StepUpAttempts}), and hands out a {@link dev.breakglass.stepup.StepUpProof} that the
 * grant use cases demand where the policy asks for step-up. Enrolment, status and reset by a security admin live
 * here too. No secret or code ever leaves this package in a reply or an event.
 */
package dev.breakglass.stepup;

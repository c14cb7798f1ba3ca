/**
 * What was done under a grant: {@link dev.breakglass.activity.Activity} (one action, its secrets already masked
 * by {@link dev.breakglass.activity.SecretMask}) and whether the capture that saw it was complete or sampled
 * ({@link dev.breakglass.activity.Completeness}). Adapters that can watch their target offer it through
 * {@link dev.breakglass.port.ActivitySource}; {@link dev.breakglass.activity.ActivityService} is the one way activity
 * is recorded (polled from a source or pushed to the bot), in the grant's recording window, with the policy's
 * {@code activity: flag:} patterns ({@link dev.breakglass.policy.ActivityPolicy}) marking the lines security must see
 * at once; {@link dev.breakglass.activity.ActivitySummary} is what the review shows of it.
 */
package dev.breakglass.activity;

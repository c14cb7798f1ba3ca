/**
 * What was done under a grant: {@link dev.breakglass.activity.Activity} (one action, its secrets already masked
 * by {@link dev.breakglass.activity.SecretMask}) and whether the capture that saw it was complete or sampled
 * ({@link dev.breakglass.activity.Completeness}). Adapters that can watch their target offer it through
 * {@link dev.breakglass.port.ActivitySource}; the policy's {@code activity: flag:} patterns
 * ({@link dev.breakglass.policy.ActivityPolicy}) mark the lines security must see at once.
 */
package dev.breakglass.activity;

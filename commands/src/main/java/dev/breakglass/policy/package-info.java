/**
 * The policy file's model: channels, targets, who may request, approve, revoke and review
 * ({@link dev.breakglass.policy.Principal}), duration limits and the emergency rule. Records validate themselves
 * and refuse bad values with an {@link dev.breakglass.policy.InvalidPolicyException} (an
 * {@code IllegalArgumentException}) in policy-file words, naming the field; null components mean "not written in
 * the file" and take the documented default. The YAML reading lives in the bot's {@code config}.
 *
 * <p>{@link dev.breakglass.policy.Permissions} applies it: the one place that decides who may do what, for every use
 * case and every chat view.
 */
package dev.breakglass.policy;

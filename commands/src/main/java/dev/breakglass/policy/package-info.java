/**
 * The policy file's model: channels, targets, who may request, approve, revoke and review, duration limits
 * and the emergency rule. Records validate themselves; the YAML reading lives in the bot's {@code config}.
 */
package dev.breakglass.policy;

package dev.breakglass.bot.sandbox.console;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/**
 * True only in sandbox mode: no bot token configured ({@code breakglass.slack.bot-token}, from
 * {@code SLACK_BOT_TOKEN}, unset or blank). Beans guarded by it do not exist in a bot that talks to real Slack, so
 * the console and its API cannot be reached there at all (404), whatever a request looks like.
 */
public final class SandboxModeCondition implements Condition {
    @Override
    public boolean matches(ConditionContext context) {
        return context.getProperty("breakglass.slack.bot-token", String.class).map(String::isBlank).orElse(true);
    }
}

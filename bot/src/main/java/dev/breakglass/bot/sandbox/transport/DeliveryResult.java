package dev.breakglass.bot.sandbox.transport;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One delivery: what was sent and what the bot answered.
 *
 * @param payload     the payload sent (for a slash command, its form fields as an object)
 * @param triggerId   the trigger_id issued with it, or {@code null} (events have none)
 * @param responseUrl the response URL issued with it, or {@code null} (events, clicks in views, submissions)
 * @param answer      the bot's answer
 * @param applied     whether the emulator acted on the answer as Slack would (the answer was a timely 200)
 */
public record DeliveryResult(JsonNode payload, String triggerId, String responseUrl, BotAnswer answer,
                             boolean applied) {

    public int status() {
        return answer.status();
    }

    /** The answer as JSON; see {@link BotAnswer#json()}. */
    public JsonNode json() {
        return answer.json();
    }
}

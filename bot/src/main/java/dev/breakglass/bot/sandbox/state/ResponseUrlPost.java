package dev.breakglass.bot.sandbox.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One POST the bot made to a response URL the emulator issued (Bolt's {@code ctx.respond(…)}).
 *
 * @param url       the response URL
 * @param channel   the conversation of the slash command or click it came with
 * @param user      the user who typed or clicked
 * @param body      the JSON posted ({@code text}, {@code blocks}, {@code response_type}, {@code replace_original},
 *                  {@code delete_original}, {@code thread_ts}), or a text node when it was not JSON
 * @param at        when (emulator clock)
 * @param status    HTTP status the emulator answered
 * @param answer    the body the emulator answered ({@code ok}, or an error such as {@code used_url})
 */
public record ResponseUrlPost(String url, String channel, String user, JsonNode body, Instant at, int status,
                              String answer) {
}

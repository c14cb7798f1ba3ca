package dev.breakglass.bot.sandbox.state;

import java.util.Objects;

/**
 * Who the bot token belongs to: what {@code auth.test} answers and who posted the bot's messages.
 *
 * @param userId the bot user, {@code U…}
 * @param botId  {@code B…}
 * @param appId  {@code A…}, also {@code api_app_id} in payloads and {@code app_id} in Socket Mode's hello
 * @param name   the bot user's name
 */
public record BotIdentity(String userId, String botId, String appId, String name) {
    /** The identity used when none is given. */
    public static final BotIdentity DEFAULT = new BotIdentity("U0BREAKGLASS", "B0BREAKGLASS", "A0BREAKGLASS", "breakglass");

    public BotIdentity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(name, "name");
        if (!userId.startsWith("U")) {
            throw new IllegalArgumentException("a bot user id starts with U: " + userId);
        }
        if (!botId.startsWith("B")) {
            throw new IllegalArgumentException("a bot id starts with B: " + botId);
        }
        if (!appId.startsWith("A")) {
            throw new IllegalArgumentException("an app id starts with A: " + appId);
        }
    }
}

package dev.breakglass.bot.config;

import java.util.Optional;

/**
 * How the bot reaches Slack, as configured (DESIGN.md's settings table).
 *
 * <p>The mode follows from what is set: no bot token → sandbox (the built-in emulator); a bot token and an
 * app token → Socket Mode; a bot token alone → HTTP, which needs the signing secret. A blank value counts as
 * unset. A signing secret alongside Socket Mode is allowed and keeps {@code /slack/events} open too.
 */
public record SlackSettings(Optional<String> botToken, Optional<String> signingSecret, Optional<String> appToken,
                            String apiUrl) {

    /** The modes the bot can run in. */
    public enum Mode { SANDBOX, HTTP, SOCKET_MODE }

    public SlackSettings {
        botToken = nonBlank(botToken);
        signingSecret = nonBlank(signingSecret);
        appToken = nonBlank(appToken);
        if (apiUrl == null || apiUrl.isBlank()) {
            apiUrl = "https://slack.com/api/";
        } else if (!apiUrl.endsWith("/")) {
            apiUrl = apiUrl + "/";
        }
        if (botToken.isPresent() && appToken.isEmpty() && signingSecret.isEmpty()) {
            throw new IllegalArgumentException("SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN in HTTP mode "
                    + "(or set SLACK_APP_TOKEN to use Socket Mode, or unset SLACK_BOT_TOKEN for the sandbox)");
        }
        if (botToken.isPresent() && !botToken.get().startsWith("xoxb-")) {
            throw new IllegalArgumentException("SLACK_BOT_TOKEN must be a bot token (xoxb-…)");
        }
        if (appToken.isPresent() && !appToken.get().startsWith("xapp-")) {
            throw new IllegalArgumentException("SLACK_APP_TOKEN must be an app-level token (xapp-…)");
        }
    }

    public Mode mode() {
        if (botToken.isEmpty()) {
            return Mode.SANDBOX;
        }
        return appToken.isPresent() ? Mode.SOCKET_MODE : Mode.HTTP;
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value == null ? Optional.empty() : value.map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "SlackSettings[mode=" + mode() + ", apiUrl=" + apiUrl + "]";
    }
}

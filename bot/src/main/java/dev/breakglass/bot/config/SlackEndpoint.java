package dev.breakglass.bot.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The Slack this process talks to, resolved at start: real Slack from {@link SlackSettings}, or the sandbox
 * emulator's address and throw-away credentials.
 *
 * @param signingSecret empty only in Socket Mode without a secret: then {@code /slack/events} is closed
 * @param appToken      present in Socket Mode
 * @param apiUrl        Web API prefix ending in "/", e.g. {@code https://slack.com/api/}
 */
public record SlackEndpoint(SlackSettings.Mode mode, String botToken, Optional<String> signingSecret,
                            Optional<String> appToken, String apiUrl) {
    public SlackEndpoint {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(botToken, "botToken");
        Objects.requireNonNull(signingSecret, "signingSecret");
        Objects.requireNonNull(appToken, "appToken");
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "SlackEndpoint[mode=" + mode + ", apiUrl=" + apiUrl + "]";
    }
}

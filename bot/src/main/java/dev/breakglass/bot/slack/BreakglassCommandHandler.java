package dev.breakglass.bot.slack;

import com.slack.api.bolt.App;
import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.command.BreakglassCommand;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.ParseError;
import dev.breakglass.command.ParseResult;
import dev.breakglass.policy.Policy;
import jakarta.inject.Singleton;

/**
 * {@code /breakglass …}: parses the text once and answers ephemerally, in the acknowledgement itself (so the
 * answer arrives within Slack's 3 seconds, over HTTP and Socket Mode alike).
 */
@Singleton
public class BreakglassCommandHandler implements BoltRegistration {
    /** The slash command, as declared in the Slack app manifest. */
    public static final String COMMAND = "/breakglass";

    private final CommandParser parser;
    private final CommandReplies replies;

    public BreakglassCommandHandler(Policy policy, CommandReplies replies) {
        this.parser = new CommandParser(policy.justification());
        this.replies = replies;
    }

    @Override
    public void registerOn(App app) {
        app.command(COMMAND, (req, ctx) -> ctx.ack(r -> r.responseType("ephemeral")
                .text(answer(req.getPayload().getText()))));
    }

    /** The mrkdwn answer to one command text, as Slack delivers it (with {@code & < >} escaped). */
    String answer(String text) {
        ParseResult result = parser.parse(SlackText.unescape(text));
        if (result instanceof ParseError error) {
            return replies.parseError(error);
        }
        if (result instanceof BreakglassCommand.Help) {
            return replies.help();
        }
        return replies.notAvailableYet((BreakglassCommand) result);
    }
}

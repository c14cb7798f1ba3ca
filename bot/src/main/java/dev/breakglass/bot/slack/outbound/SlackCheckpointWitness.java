package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import dev.breakglass.bot.audit.Checkpoint;
import dev.breakglass.bot.audit.CheckpointWitness;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.policy.Policy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Posts each audit {@link Checkpoint} ({@code audit-checkpoint.mustache}) to the policy's {@code channels.security},
 * or to every notify channel when there is none. Edge cases: no such channel → nothing is sent (false); a channel
 * that refuses the post (e.g. the bot is not a member) is an error naming the channel and Slack's error code, after
 * the other channels were tried. The line carries no secret: a sequence number, a hash and a signature.
 */
@Singleton
public class SlackCheckpointWitness implements CheckpointWitness {
    /** The template of the posted message. */
    public static final String TEMPLATE = "audit-checkpoint";

    private final MethodsClient slack;
    private final Policy policy;
    private final Templates templates;

    public SlackCheckpointWitness(MethodsClient slack, Policy policy, Templates templates) {
        this.slack = slack;
        this.policy = policy;
        this.templates = templates;
        templates.render(TEMPLATE, Map.of("seq", 1, "line", "x")); // a broken override stops the start
    }

    /** The posted message. */
    String text(Checkpoint checkpoint) {
        return templates.render(TEMPLATE, Map.of("seq", checkpoint.seq(), "line", checkpoint.line())).strip();
    }

    @Override
    public boolean publish(Checkpoint checkpoint) {
        List<String> channels = policy.channels().checkpointChannels();
        if (channels.isEmpty()) {
            return false;
        }
        String text = text(checkpoint);
        StringBuilder refused = new StringBuilder();
        for (String channel : channels) {
            try {
                var r = patiently(() -> slack.chatPostMessage(b -> b.channel(channel).text(text)));
                if (!r.isOk()) {
                    refused.append(refused.isEmpty() ? "" : ", ").append(channel).append(": ").append(r.getError());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("posting the audit checkpoint to " + channel + " failed", e);
            } catch (SlackApiException e) {
                refused.append(refused.isEmpty() ? "" : ", ").append(channel).append(": ").append(e.getMessage());
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException("Slack refused the audit checkpoint (" + refused + ")");
        }
        return true;
    }
}

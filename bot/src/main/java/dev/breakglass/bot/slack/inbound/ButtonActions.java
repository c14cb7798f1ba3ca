package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BiFunction;

/** What every button handler does the same way: find the grant a button names, and answer the clicker. */
final class ButtonActions {
    private static final Logger LOG = LoggerFactory.getLogger(ButtonActions.class);

    private ButtonActions() {
    }

    /**
     * A button whose click maps to one use case; the outcome is shown to the clicker only. The use case runs
     * after the acknowledgement ({@link AfterAck}): it may call a target, and Slack waits 3 seconds at most.
     */
    static Response decide(BlockActionRequest req, ActionContext ctx, AfterAck later, ReplyText words,
                           BiFunction<GrantId, String, Outcome> useCase) {
        String user = req.getPayload().getUser().getId();
        Optional<GrantId> id = grantOf(req);
        later.run(id, text -> respond(ctx, text), () -> id.isEmpty() ? later.replies().answer("noGrantButton")
                : words.mrkdwn(useCase.apply(id.get(), user).reply()));
        return ctx.ack();
    }

    /** The grant a button names in its value; empty when the value is not a grant id. */
    static Optional<GrantId> grantOf(BlockActionRequest req) {
        var actions = req.getPayload().getActions();
        return actions == null || actions.isEmpty() ? Optional.empty() : GrantId.parse(actions.get(0).getValue());
    }

    /**
     * An ephemeral answer to the clicker, where they clicked; a click in a view (the App Home tab) has no
     * response URL, so the answer goes to the clicker as a direct message instead.
     */
    static void respond(ActionContext ctx, String mrkdwn) {
        try {
            if (ctx.getResponseUrl() == null || ctx.getResponseUrl().isBlank()) {
                var r = ctx.client().chatPostMessage(b -> b.channel(ctx.getRequestUserId()).text(mrkdwn));
                if (!r.isOk()) {
                    LOG.warn("Could not answer a click by direct message: {}", r.getError());
                }
                return;
            }
            ctx.respond(r -> r.responseType("ephemeral").replaceOriginal(false).text(mrkdwn));
        } catch (Exception e) {
            LOG.warn("Could not answer a click: {}", e.toString());
        }
    }
}

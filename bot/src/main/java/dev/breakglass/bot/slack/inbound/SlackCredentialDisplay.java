package dev.breakglass.bot.slack.inbound;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import dev.breakglass.bot.slack.render.CredentialsView;
import dev.breakglass.grant.Grant;
import dev.breakglass.port.CredentialDisplay;
import dev.breakglass.port.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * {@link CredentialDisplay} for one Reveal click: opens {@link CredentialsView} with the click's trigger (valid 3
 * seconds, once), so the credentials appear in a modal only the clicker sees. Accepted only when Slack answered
 * {@code views.open} ok; a view that does not fit, an error answer, a rate limit or an unreachable Slack are
 * {@link Shown.NotShown} with a reason that never holds the credentials (Slack's error code at most).
 */
final class SlackCredentialDisplay implements CredentialDisplay {
    private static final Logger LOG = LoggerFactory.getLogger(SlackCredentialDisplay.class);

    private final MethodsClient client;
    private final String triggerId;

    private final dev.breakglass.bot.slack.render.CommandReplies replies;
    private final dev.breakglass.bot.slack.render.FormWords forms;

    SlackCredentialDisplay(MethodsClient client, String triggerId, dev.breakglass.bot.slack.render.CommandReplies replies,
                           dev.breakglass.bot.slack.render.FormWords forms) {
        this.replies = replies;
        this.forms = forms;
        this.client = client;
        this.triggerId = triggerId;
    }

    @Override
    public Shown show(Grant grant, Credentials credentials, int remaining) {
        CredentialsView.Fitted fitted = CredentialsView.build(grant.id(), credentials, remaining, forms);
        if (fitted instanceof CredentialsView.Fitted.TooLarge tooLarge) {
            LOG.warn("The credentials of {} do not fit a Slack window; the reveal was not used", grant.id());
            return new Shown.NotShown(tooLarge.why());
        }
        var view = ((CredentialsView.Fitted.Fits) fitted).view();
        String error;
        try {
            var opened = client.viewsOpen(b -> b.triggerId(triggerId).view(view));
            if (opened.isOk()) {
                return new Shown.Accepted();
            }
            error = opened.getError();
        } catch (SlackApiException e) {
            error = e.getError() != null && e.getError().getError() != null ? e.getError().getError()
                    : "HTTP " + e.getResponse().code();
        } catch (IOException e) {
            error = "unreachable";
        }
        LOG.warn("Slack did not open the credentials window of {} ({}); the reveal was not used", grant.id(), error);
        return new Shown.NotShown(replies.plainAnswer("windowNotOpened", "error", error));
    }
}

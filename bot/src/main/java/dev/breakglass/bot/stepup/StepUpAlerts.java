package dev.breakglass.bot.stepup;

import com.slack.api.methods.MethodsClient;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.policy.Policy;
import dev.breakglass.stepup.StepUpEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The Slack messages of step-up, posted straight through the Web API: a lockout alerts every notify channel (like
 * emergencies and revocation failures, whatever a channel's event filter says: a run of wrong codes may be a
 * stolen session); a reset tells the person in a direct message. Failures are logged, never thrown: the decision
 * they report already stands.
 */
@Singleton
public class StepUpAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(StepUpAlerts.class);
    /** The alerts' template (shared with the notify channels' alerts); the lockout is its stepUpLockedOut. */
    static final String ALERT = "alert";
    /** The direct message after a reset. */
    static final String RESET = "step-up-reset";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final MethodsClient slack;
    private final Policy policy;

    private final Templates templates;

    public StepUpAlerts(MethodsClient slack, Policy policy, Templates templates) {
        this.slack = slack;
        this.policy = policy;
        this.templates = templates;
        templates.render(RESET, Map.of("by", "x")); // a broken override stops the start
    }

    /** Every notify channel hears that {@code locked}'s step-up is locked, and until when. */
    void lockedOut(StepUpEvent.LockedOut locked) {
        String text = lockedOutText(locked);
        for (String channel : policy.channels().notifyChannels()) {
            post(channel, text);
        }
    }

    /** The lockout alert. */
    String lockedOutText(StepUpEvent.LockedOut locked) {
        return templates.say(ALERT, "stepUpLockedOut", Map.of("user", ReplyText.mention(locked.user()),
                "until", HOUR.format(locked.until()), "grant", locked.grant().map(Object::toString).orElse("")));
    }

    /** The person whose enrolment was reset hears who did it and how to enrol again. */
    void reset(StepUpEvent.Reset reset) {
        post(reset.user(), resetText(reset));
    }

    /** The direct message to the person whose enrolment was reset. */
    String resetText(StepUpEvent.Reset reset) {
        return templates.render(RESET, Map.of("by", ReplyText.mention(reset.by()))).strip();
    }

    private void post(String channel, String text) {
        try {
            var r = slack.chatPostMessage(b -> b.channel(channel).text(text));
            if (!r.isOk()) {
                LOG.warn("Slack did not take a step-up message for {}: {}", channel, r.getError());
            }
        } catch (Exception e) {
            LOG.warn("Could not post a step-up message to {}: {}", channel, e.toString());
        }
    }
}

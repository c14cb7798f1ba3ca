package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.events.EventConsumer;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.GrantStore;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The requester's direct messages: what happened to their request and access, each with the buttons it calls for
 * (Cancel, Break glass now, Reveal, I'm done, Extend, Write review). Rendered from the grant as stored now, headlined
 * by what the event changed (a section of {@code requester-headline.mustache} per event).
 *
 * <p>Edge cases: events the requester caused or that change nothing for them (an approval while more are needed, a
 * reveal, a failed revocation, a review they wrote) send nothing; a reminder once the review is written sends
 * nothing. A repeated delivery looks for its earlier copy first ({@link DeliveryMarks}), so a process that dies
 * between Slack's answer and the outbox's commit does not send that message twice.
 */
@Singleton
public class RequesterMessages implements EventConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(RequesterMessages.class);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final MethodsClient slack;
    private final GrantStore grants;
    private final GrantCard render;
    private final Policy policy;
    private final Templates templates;

    private final DeliveryMarks marks;

    public RequesterMessages(MethodsClient slack, GrantStore grants, GrantCard render, Templates templates,
                             Policy policy, DeliveryMarks marks) {
        this.marks = marks;
        this.templates = templates;
        templates.check(TEMPLATE, FLAGS, VARIABLES); // a broken override stops the start, not an incident
        this.slack = slack;
        this.grants = grants;
        this.render = render;
        this.policy = policy;
    }

    @Override
    public String name() {
        return EventRoutes.REQUESTER;
    }

    /** A message and its buttons (null entries are left out). */
    record Message(String headline, String... buttons) {
    }

    @Override
    public boolean reachesOut() {
        return true;
    }

    @Override
    public boolean waitedOn() {
        return true;
    }

    @Override
    public void deliver(Delivery delivery, Connection connection) throws IOException, SlackApiException {
        GrantEvent event = delivery.event();
        Grant g = grants.find(event.grant().id()).orElse(event.grant());
        Message m = message(event, g);
        if (m == null || marks.postedBefore(g.requester(), delivery).isPresent()) {
            return;
        }
        List<LayoutBlock> blocks = render.requesterUpdate(g, m.headline(), m.buttons());
        var r = patiently(() -> slack.chatPostMessage(b -> b.channel(g.requester()).text(render.cardText(g))
                .blocks(blocks).metadata(DeliveryMarks.of(delivery))));
        if (!r.isOk()) {
            LOG.error("Messaging the requester of {} failed: {}", g.id(), r.getError());
        }
    }

    private static String end(Grant g) {
        return g.expiresAt().map(TIME::format).orElse("?");
    }

    /** The template of the headlines, one section per event. */
    public static final String TEMPLATE = "requester-headline";
    /** The sections of {@link #TEMPLATE}, checked at start. */
    static final List<String> FLAGS = List.of("requested", "approved", "denied", "timedOut", "emergencyOffered",
            "activated", "provisioningFailed", "rolledBack", "expiryWarned", "extensionRequested", "extended",
            "extensionFailed", "extensionDenied", "expired", "revoked", "postMortemOpened", "reviewReminded", "reviewed");
    /** Its variables (see templates/README.md). */
    static final List<String> VARIABLES = List.of("approvals", "approver", "target", "credentials", "end", "extra",
            "added", "renewed", "error", "reason", "by", "required", "number", "escalated");

    /** The headline of {@code flag}'s section with {@code args}. */
    private String say(String flag, Object... args) {
        return templates.say(TEMPLATE, flag, Templates.vars(args));
    }

    /** What the requester reads for {@code event}; null for nothing. Exhaustive over the events. */
    Message message(GrantEvent event, Grant g) {
        String target = g.target();
        return switch (event) {
            case GrantEvent.Requested e -> new Message(say("requested", "approvals", policy.channels().approvals()),
                    GrantCard.CANCEL);
            case GrantEvent.ApprovalRecorded e -> null;
            case GrantEvent.Approved a -> new Message(say("approved", "approver", ReplyText.mention(a.approver())));
            case GrantEvent.Denied d -> new Message(say("denied", "approver", ReplyText.mention(d.approver())));
            case GrantEvent.Cancelled e -> null;
            case GrantEvent.TimedOut e -> new Message(say("timedOut"));
            case GrantEvent.EmergencyOffered e -> new Message(say("emergencyOffered"), GrantCard.BREAK_GLASS);
            case GrantEvent.GlassBroken e -> null;
            case GrantEvent.Activated a -> new Message(say("activated", "target", target, "credentials",
                    a.credentialsIssued()), a.credentialsIssued() ? GrantCard.REVEAL : null, GrantCard.DONE);
            case GrantEvent.ProvisioningFailed e -> new Message(say("provisioningFailed"));
            case GrantEvent.RolledBack e -> new Message(say("rolledBack"));
            case GrantEvent.CredentialsRevealed e -> null;
            case GrantEvent.ExpiryWarned e -> new Message(say("expiryWarned", "target", target, "end", end(g)),
                    GrantCard.EXTEND, GrantCard.DONE);
            case GrantEvent.ExtensionRequested e -> new Message(say("extensionRequested", "extra", g.extension()
                    .map(x -> DurationText.format(x.duration())).orElse("")));
            case GrantEvent.ExtensionApprovalRecorded e -> null;
            case GrantEvent.Extended e -> {
                boolean renewed = e.credentialsFingerprint().isPresent();
                yield new Message(say("extended", "approver", ReplyText.mention(e.approver()), "added",
                        DurationText.format(e.added()), "end", end(g), "renewed", renewed),
                        renewed ? GrantCard.REVEAL : null, GrantCard.DONE);
            }
            case GrantEvent.ExtensionFailed e -> new Message(say("extensionFailed", "target", target, "error",
                    e.error(), "end", end(g)));
            case GrantEvent.ExtensionDenied e -> new Message(say("extensionDenied", "approver",
                    ReplyText.mention(e.approver()), "reason", e.reason()));
            case GrantEvent.Expired e -> new Message(say("expired"));
            case GrantEvent.Revoked e -> new Message(say("revoked", "by", g.revocation().revokedBy()
                    .filter(by -> !by.equals(g.requester())).map(ReplyText::mention).orElse("")));
            case GrantEvent.RevocationFailed e -> null;
            case GrantEvent.RevocationRecovered e -> null;
            case GrantEvent.RevocationResolved e -> null;
            case GrantEvent.PostMortemOpened e -> new Message(say("postMortemOpened", "required",
                    policy.review().requires(g.emergency())),
                    g.postMortem().review().isEmpty() ? PostMortemView.WRITE_REVIEW : null);
            case GrantEvent.ReviewReminded r -> g.postMortem().review().isPresent() ? null
                    : new Message(say("reviewReminded", "number", r.number(), "escalated", r.escalated()),
                    PostMortemView.WRITE_REVIEW);
            case GrantEvent.ReviewWritten e -> null;
            case GrantEvent.Reviewed r -> new Message(say("reviewed", "by", ReplyText.mention(r.by())));
        };
    }
}

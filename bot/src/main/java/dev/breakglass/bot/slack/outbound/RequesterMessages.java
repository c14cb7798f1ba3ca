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
import dev.breakglass.bot.slack.render.SlackText;
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
 * by what the event changed.
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

    private final DeliveryMarks marks;

    public RequesterMessages(MethodsClient slack, GrantStore grants, GrantCard render, Policy policy,
                             DeliveryMarks marks) {
        this.marks = marks;
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
    private record Message(String headline, String... buttons) {
    }

    @Override
    public boolean reachesOut() {
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

    /** What the requester reads for {@code event}; null for nothing. Exhaustive over the events. */
    private Message message(GrantEvent event, Grant g) {
        return switch (event) {
            case GrantEvent.Requested e -> new Message("Your request is waiting for approval in <#"
                    + policy.channels().approvals() + ">.", GrantCard.CANCEL);
            case GrantEvent.ApprovalRecorded e -> null;
            case GrantEvent.Approved a -> new Message(":white_check_mark: " + ReplyText.mention(a.approver())
                    + " approved your request. Access is being provisioned.");
            case GrantEvent.Denied d -> new Message(":no_entry: " + ReplyText.mention(d.approver())
                    + " denied your request.");
            case GrantEvent.Cancelled e -> null;
            case GrantEvent.TimedOut e -> new Message(":alarm_clock: Nobody decided on your request in time. Ask"
                    + " again if you still need it.");
            case GrantEvent.EmergencyOffered e -> new Message(":rotating_light: Nobody has decided yet. If production"
                    + " cannot wait, you may break the glass alone: access starts at once, security and management are"
                    + " alerted, and a review is mandatory.", GrantCard.BREAK_GLASS);
            case GrantEvent.GlassBroken e -> null;
            case GrantEvent.Activated a -> new Message(":unlock: Your access to *" + SlackText.escape(g.target())
                    + "* is ready." + (a.credentialsIssued() ? " Reveal the credentials below; they are shown only to"
                    + " you, in a window that is not kept in the chat history." : "") + " When you are finished, end"
                    + " it early with I'm done.", a.credentialsIssued() ? GrantCard.REVEAL : null, GrantCard.DONE);
            case GrantEvent.ProvisioningFailed e -> new Message(":x: Access could not be provisioned.");
            case GrantEvent.RolledBack e -> new Message(":x: Access could not be provisioned. The target had already"
                    + " made it, so it was taken back: nothing was left behind.");
            case GrantEvent.CredentialsRevealed e -> null;
            case GrantEvent.ExpiryWarned e -> new Message(":hourglass: Your access to *" + SlackText.escape(g.target())
                    + "* ends at " + end(g) + ". Extend it (a peer approves again) or end it now.",
                    GrantCard.EXTEND, GrantCard.DONE);
            case GrantEvent.ExtensionRequested e -> new Message("You asked for " + g.extension()
                    .map(x -> DurationText.format(x.duration())).orElse("") + " more; it waits for approval.");
            case GrantEvent.ExtensionApprovalRecorded e -> null;
            case GrantEvent.Extended e -> {
                boolean renewed = e.credentialsFingerprint().isPresent();
                yield new Message(":white_check_mark: " + ReplyText.mention(e.approver()) + " approved "
                        + DurationText.format(e.added()) + " more; your access now ends at " + end(g) + "."
                        + (renewed ? " The target issued new credentials for the new window: reveal them below; the"
                        + " old ones still end at the old time." : ""), renewed ? GrantCard.REVEAL : null,
                        GrantCard.DONE);
            }
            case GrantEvent.ExtensionFailed e -> new Message(":warning: The extension was approved, but *"
                    + SlackText.escape(g.target()) + "* could not move the end of your access: "
                    + SlackText.escape(e.error()) + ". Your access still ends at " + end(g) + ".");
            case GrantEvent.ExtensionDenied e -> new Message(":no_entry: " + ReplyText.mention(e.approver())
                    + " denied the extension: " + SlackText.escape(e.reason()));
            case GrantEvent.Expired e -> new Message(":lock: Your access has ended and was removed.");
            case GrantEvent.Revoked e -> new Message(":lock: Your access was ended early" + switch (e.actor()) {
                case Actor.Person by when !by.userId().equals(g.requester()) -> " by " + ReplyText.mention(by.userId());
                case Actor.Person you -> "";
                case Actor.Bot bot -> "";
            } + " and removed.");
            case GrantEvent.RevocationFailed e -> null;
            case GrantEvent.RevocationRecovered e -> null;
            case GrantEvent.RevocationResolved e -> null;
            case GrantEvent.PostMortemOpened e -> new Message(policy.review().requires(g.emergency())
                    ? ":memo: Please write the review of this access: five short questions. The post-mortem thread"
                    + " under the request card has the timeline; you will be reminded until the review is written."
                    : ":memo: The post-mortem of this access is in the thread under the request card. A review is"
                    + " optional for this grant; write one if there is something to record.",
                    g.postMortem().review().isEmpty() ? PostMortemView.WRITE_REVIEW : null);
            case GrantEvent.ReviewReminded r -> g.postMortem().review().isPresent() ? null
                    : new Message(":bell: Reminder " + r.number() + ": the review of this access is still unwritten."
                    + (r.escalated() ? " The notify channels have been told it is overdue." : ""),
                    PostMortemView.WRITE_REVIEW);
            case GrantEvent.ReviewWritten e -> null;
            case GrantEvent.Reviewed r -> new Message(":white_check_mark: " + ReplyText.mention(r.by())
                    + " signed off your review.");
        };
    }
}

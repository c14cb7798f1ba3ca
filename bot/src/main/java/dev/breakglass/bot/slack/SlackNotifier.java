package dev.breakglass.bot.slack;

import static dev.breakglass.bot.slack.SlackPatience.patiently;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.events.GrantEventListener;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.NotifyTarget;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.GrantStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells Slack about grant events: posts the request card in the approvals channel and updates it in place,
 * keeps the post-mortem thread under it ({@link PostMortemThread}), messages the requester directly (with
 * Write review and its reminders once access is gone), and tells every notify channel whose filter accepts
 * the event, with a link to the card.
 *
 * <p>Events are delivered off the caller's thread, so a Slack call never holds up a decision or Slack's
 * 3-second acknowledgement. The card and the requester's messages share one queue, in publish order; each
 * notify channel has its own queue, also in publish order, so a rate-limited or slow channel delays only
 * itself. The card is always rendered from the grant as stored now, so a late update never shows an older
 * state; notify messages say what the event changed, from the grant as that event saved it.
 *
 * <p>A notify message is one line ({@code notification.mustache}), except for the events that need attention
 * (an emergency grant, a failing revocation, its recovery or manual resolution): those keep their fuller alert,
 * with Mark resolved on a failing revocation. One message per event per channel. The card's permalink is
 * asked once per grant (after a restart, at the grant's first event) and kept; a notify message waits for it
 * at most {@link #LINK_WAIT_SECONDS} seconds, then goes out without the link. A failing revocation is
 * announced at its first failure only. Delivery failures are logged, not thrown; rate limits and outages
 * delay messages but never drop them while the process runs.
 */
@Singleton
public class SlackNotifier implements GrantEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(SlackNotifier.class);
    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final MethodsClient slack;
    private final GrantStore grants;
    private final JdbcCardStore cards;
    private final GrantCard render;
    private final Policy policy;
    /** How long a notify message waits for the card's permalink before it goes out without it. */
    static final int LINK_WAIT_SECONDS = 30;
    /** The template of the one-line notify messages. */
    public static final String TEMPLATE = "notification";
    private static final int DETAIL_LIMIT = 200;

    private final Templates templates;
    private final ExecutorService queue = daemon("slack-notify");
    /** One ordered queue per notify channel, in policy order. */
    private final Map<String, ExecutorService> channelQueues = new LinkedHashMap<>();
    /** The card's permalink per grant ("" when there is none); completed by the card queue. */
    private final Map<GrantId, CompletableFuture<String>> permalinks = new ConcurrentHashMap<>();

    private final PostMortemThread postMortems;

    public SlackNotifier(MethodsClient slack, GrantStore grants, JdbcCardStore cards, GrantCard render, Policy policy,
                         Templates templates, PostMortemThread postMortems) {
        this.postMortems = postMortems;
        this.slack = slack;
        this.grants = grants;
        this.cards = cards;
        this.render = render;
        this.policy = policy;
        this.templates = templates;
        for (NotifyTarget t : policy.channels().notifyTargets()) {
            channelQueues.put(t.channel(), daemon("slack-notify-" + t.channel()));
        }
        templates.render(TEMPLATE, sample()); // a broken override stops the start, not an incident
    }

    private static ExecutorService daemon(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void on(GrantEvent event) {
        GrantId id = event.grant().id();
        CompletableFuture<String> fresh = new CompletableFuture<>();
        CompletableFuture<String> known = permalinks.putIfAbsent(id, fresh);
        CompletableFuture<String> link = known == null ? fresh : known;
        CompletableFuture<String> toFind = known == null ? fresh : null;
        queue.execute(() -> {
            try {
                deliver(event, toFind);
            } catch (Exception e) {
                LOG.error("Could not tell Slack about {} of {}: {}", event.getClass().getSimpleName(), id,
                        e.toString());
            } finally {
                if (toFind != null) {
                    toFind.complete("");
                }
            }
        });
        kind(event).ifPresent(kind -> {
            for (NotifyTarget t : policy.channels().notifyTargets()) {
                if (t.accepts(kind)) {
                    channelQueues.get(t.channel()).execute(() -> {
                        try {
                            tellChannel(t.channel(), event, kind, link);
                        } catch (Exception e) {
                            LOG.error("Could not tell {} about {} of {}: {}", t.channel(),
                                    event.getClass().getSimpleName(), id, e.toString());
                        }
                    });
                }
            }
        });
    }

    /**
     * @param toFind the permalink to look up once the card exists, or null when another event already does
     */
    private void deliver(GrantEvent event, CompletableFuture<String> toFind) throws IOException, SlackApiException {
        if (event instanceof GrantEvent.CredentialsRevealed) {
            return; // the card does not change; the audit log and the post-mortem timeline tell it
        }
        Grant g = grants.find(event.grant().id()).orElse(event.grant());
        if (event instanceof GrantEvent.Requested) {
            postCard(g);
            findPermalink(g.id(), toFind);
            tellRequester(g, "Your request is waiting for approval in <#" + policy.channels().approvals() + ">.",
                    GrantCard.CANCEL);
            return;
        }
        findPermalink(g.id(), toFind);
        updateCard(g);
        if (event instanceof GrantEvent.Approved a) {
            tellRequester(g, ":white_check_mark: " + ReplyText.mention(a.approver())
                    + " approved your request. Access is being provisioned.");
        } else if (event instanceof GrantEvent.Denied d) {
            tellRequester(g, ":no_entry: " + ReplyText.mention(d.approver()) + " denied your request.");
        } else if (event instanceof GrantEvent.TimedOut) {
            tellRequester(g, ":alarm_clock: Nobody decided on your request in time. Ask again if you still need it.");
        } else if (event instanceof GrantEvent.EmergencyOffered) {
            tellRequester(g, ":rotating_light: Nobody has decided yet. If production cannot wait, you may break the "
                    + "glass alone: access starts at once, security and management are alerted, and a review is "
                    + "mandatory.", GrantCard.BREAK_GLASS);
        } else if (event instanceof GrantEvent.Activated a) {
            tellRequester(g, ":unlock: Your access to *" + SlackText.escape(g.target()) + "* is ready."
                    + (a.credentialsIssued() ? " Reveal the credentials below; they are shown only to you, "
                    + "in a window that is not kept in the chat history." : "") + " When you are finished, end it "
                    + "early with I'm done.", a.credentialsIssued() ? GrantCard.REVEAL : null, GrantCard.DONE);
        } else if (event instanceof GrantEvent.ProvisioningFailed) {
            tellRequester(g, ":x: Access could not be provisioned.");
        } else if (event instanceof GrantEvent.RolledBack) {
            tellRequester(g, ":x: Access could not be provisioned. The target had already made it, so it was taken "
                    + "back: nothing was left behind.");
        } else if (event instanceof GrantEvent.ExpiryWarned) {
            tellRequester(g, ":hourglass: Your access to *" + SlackText.escape(g.target()) + "* ends at "
                    + g.expiresAt().map(TIME::format).orElse("?") + ". Extend it (a peer approves again) or end it now.",
                    GrantCard.EXTEND, GrantCard.DONE);
        } else if (event instanceof GrantEvent.ExtensionRequested) {
            tellRequester(g, "You asked for " + g.extension().map(e -> DurationText.format(e.duration())).orElse("")
                    + " more; it waits for approval.");
        } else if (event instanceof GrantEvent.Extended e) {
            boolean renewed = e.credentialsFingerprint().isPresent();
            tellRequester(g, ":white_check_mark: " + ReplyText.mention(e.approver()) + " approved "
                    + DurationText.format(e.added()) + " more; your access now ends at "
                    + g.expiresAt().map(TIME::format).orElse("?") + "."
                    + (renewed ? " The target issued new credentials for the new window: reveal them below; the old"
                    + " ones still end at the old time." : ""), renewed ? GrantCard.REVEAL : null, GrantCard.DONE);
        } else if (event instanceof GrantEvent.ExtensionFailed e) {
            tellRequester(g, ":warning: The extension was approved, but *" + SlackText.escape(g.target())
                    + "* could not move the end of your access: " + SlackText.escape(e.error())
                    + ". Your access still ends at " + g.expiresAt().map(TIME::format).orElse("?") + ".");
        } else if (event instanceof GrantEvent.ExtensionDenied e) {
            tellRequester(g, ":no_entry: " + ReplyText.mention(e.approver()) + " denied the extension: "
                    + SlackText.escape(e.reason()));
        } else if (event instanceof GrantEvent.Expired) {
            tellRequester(g, ":lock: Your access has ended and was removed.");
        } else if (event instanceof GrantEvent.Revoked) {
            tellRequester(g, ":lock: Your access was ended early" + g.revocation().revokedBy()
                    .filter(by -> !by.equals(g.requester())).map(by -> " by " + ReplyText.mention(by)).orElse("")
                    + " and removed.");
        } else if (event instanceof GrantEvent.PostMortemOpened) {
            postMortems.show(g);
            tellRequester(g, policy.review().requires(g.emergency())
                    ? ":memo: Please write the review of this access: five short questions. The post-mortem thread "
                    + "under the request card has the timeline; you will be reminded until the review is written."
                    : ":memo: The post-mortem of this access is in the thread under the request card. A review is "
                    + "optional for this grant; write one if there is something to record.",
                    g.postMortem().review().isEmpty() ? PostMortemView.WRITE_REVIEW : null);
        } else if (event instanceof GrantEvent.ReviewReminded r) {
            postMortems.show(g);
            if (g.postMortem().review().isEmpty()) {
                tellRequester(g, ":bell: Reminder " + r.number() + ": the review of this access is still unwritten."
                        + (r.escalated() ? " The notify channels have been told it is overdue." : ""),
                        PostMortemView.WRITE_REVIEW);
            }
        } else if (event instanceof GrantEvent.ReviewWritten) {
            postMortems.show(g);
            postMortems.postReview(g);
        } else if (event instanceof GrantEvent.Reviewed r) {
            postMortems.show(g);
            postMortems.postNote(g, ":white_check_mark: " + ReplyText.mention(r.by()) + " signed off the review. "
                    + "The post-mortem of " + g.id() + " is complete.");
            tellRequester(g, ":white_check_mark: " + ReplyText.mention(r.by()) + " signed off your review.");
        }
    }

    /** Which notify event this is; empty for events no notify channel hears (a repeated revocation failure). */
    static Optional<NotifyTarget.Event> kind(GrantEvent event) {
        NotifyTarget.Event k = null;
        if (event instanceof GrantEvent.Requested) {
            k = NotifyTarget.Event.REQUESTED;
        } else if (event instanceof GrantEvent.ApprovalRecorded || event instanceof GrantEvent.Approved) {
            k = NotifyTarget.Event.APPROVED;
        } else if (event instanceof GrantEvent.Denied) {
            k = NotifyTarget.Event.DENIED;
        } else if (event instanceof GrantEvent.Cancelled) {
            k = NotifyTarget.Event.CANCELLED;
        } else if (event instanceof GrantEvent.TimedOut) {
            k = NotifyTarget.Event.TIMED_OUT;
        } else if (event instanceof GrantEvent.EmergencyOffered) {
            k = NotifyTarget.Event.EMERGENCY_OFFERED;
        } else if (event instanceof GrantEvent.GlassBroken) {
            k = NotifyTarget.Event.EMERGENCY;
        } else if (event instanceof GrantEvent.Activated) {
            k = NotifyTarget.Event.ACTIVE;
        } else if (event instanceof GrantEvent.ProvisioningFailed || event instanceof GrantEvent.RolledBack) {
            k = NotifyTarget.Event.FAILED;
        } else if (event instanceof GrantEvent.ExpiryWarned) {
            k = NotifyTarget.Event.EXPIRING;
        } else if (event instanceof GrantEvent.ExtensionRequested) {
            k = NotifyTarget.Event.EXTENSION_REQUESTED;
        } else if (event instanceof GrantEvent.ExtensionApprovalRecorded || event instanceof GrantEvent.Extended) {
            k = NotifyTarget.Event.EXTENDED;
        } else if (event instanceof GrantEvent.ExtensionDenied || event instanceof GrantEvent.ExtensionFailed) {
            k = NotifyTarget.Event.EXTENSION_DENIED;
        } else if (event instanceof GrantEvent.Expired) {
            k = NotifyTarget.Event.EXPIRED;
        } else if (event instanceof GrantEvent.Revoked) {
            k = NotifyTarget.Event.REVOKED;
        } else if (event instanceof GrantEvent.RevocationFailed f) {
            k = f.first() ? NotifyTarget.Event.REVOCATION_FAILED : null;
        } else if (event instanceof GrantEvent.RevocationRecovered) {
            k = NotifyTarget.Event.REVOCATION_RECOVERED;
        } else if (event instanceof GrantEvent.RevocationResolved) {
            k = NotifyTarget.Event.REVOCATION_RESOLVED;
        } else if (event instanceof GrantEvent.ReviewReminded r) {
            k = r.escalated() ? NotifyTarget.Event.REVIEW_OVERDUE : null;
        } else if (event instanceof GrantEvent.ReviewWritten) {
            k = NotifyTarget.Event.REVIEW_WRITTEN;
        } else if (event instanceof GrantEvent.Reviewed) {
            k = NotifyTarget.Event.REVIEWED;
        }
        return Optional.ofNullable(k);
    }

    /** One event in one notify channel: the fuller alert for emergencies and revocation trouble, else one line. */
    private void tellChannel(String channel, GrantEvent event, NotifyTarget.Event kind, CompletableFuture<String> link)
            throws IOException, SlackApiException {
        Grant g = event.grant();
        String url = await(link, g.id());
        String cardLink = url.isEmpty() ? "" : " <" + SlackText.escape(url) + "|request card>";
        String text;
        List<LayoutBlock> blocks = null;
        if (event instanceof GrantEvent.GlassBroken) {
            text = ":rotating_light: *EMERGENCY break glass* " + g.id() + ": " + ReplyText.mention(g.requester())
                    + " took *" + SlackText.escape(g.target()) + "*" + g.role().map(r -> " as *" + SlackText.escape(r)
                    + "*").orElse("") + " for *" + DurationText.format(g.duration())
                    + "* without peer approval. A review is mandatory." + cardLink;
        } else if (event instanceof GrantEvent.RevocationFailed f) {
            text = ":rotating_light: *Revocation failing* for " + g.id() + " (" + ReplyText.mention(g.requester())
                    + " on *" + SlackText.escape(g.target()) + "*): " + SlackText.escape(f.error())
                    + ". The access may still work. Retrying with backoff until it succeeds or someone marks it "
                    + "resolved." + cardLink;
            blocks = render.alert(g, text, true);
        } else if (event instanceof GrantEvent.RevocationRecovered) {
            text = ":white_check_mark: Revocation of " + g.id() + " succeeded after " + g.revocation().attempts()
                    + " attempts: the access is removed." + cardLink;
            blocks = render.alert(g, text, false);
        } else if (event instanceof GrantEvent.RevocationResolved r) {
            text = ":white_check_mark: " + ReplyText.mention(r.by()) + " marked the revocation of " + g.id()
                    + " resolved by hand: " + SlackText.escape(g.revocation().reason().orElse("")) + cardLink;
            blocks = render.alert(g, text, false);
        } else {
            text = SlackText.fit(templates.render(TEMPLATE, line(event, kind, g, url)).strip(), SlackText.SECTION_LIMIT);
        }
        List<LayoutBlock> finalBlocks = blocks;
        var r = patiently(() -> slack.chatPostMessage(b -> {
            b.channel(channel).text(text);
            if (finalBlocks != null) {
                b.blocks(finalBlocks);
            }
            return b;
        }));
        if (!r.isOk()) {
            LOG.error("Telling {} about {} failed: {}", channel, g.id(), r.getError());
        }
    }

    /** The variables of notification.mustache (see templates/README.md). */
    private static Map<String, Object> line(GrantEvent event, NotifyTarget.Event kind, Grant g, String url) {
        String emoji;
        String what;
        String detail = "";
        if (event instanceof GrantEvent.Requested) {
            emoji = ":inbox_tray:";
            what = "requested";
            detail = g.justification();
        } else if (event instanceof GrantEvent.ApprovalRecorded a) {
            emoji = ":ballot_box_with_check:";
            what = "approved by " + ReplyText.mention(a.approver()) + ", " + g.approvalsMissing() + " more needed";
        } else if (event instanceof GrantEvent.Approved a) {
            emoji = ":white_check_mark:";
            what = "approved by " + ReplyText.mention(a.approver());
        } else if (event instanceof GrantEvent.Denied d) {
            emoji = ":no_entry:";
            what = "denied by " + ReplyText.mention(d.approver());
            detail = d.reason();
        } else if (event instanceof GrantEvent.Cancelled) {
            emoji = ":leftwards_arrow_with_hook:";
            what = "cancelled by the requester";
        } else if (event instanceof GrantEvent.TimedOut) {
            emoji = ":alarm_clock:";
            what = "timed out: nobody decided";
        } else if (event instanceof GrantEvent.EmergencyOffered) {
            emoji = ":rotating_light:";
            what = "still undecided: solo break glass is offered to the requester";
        } else if (event instanceof GrantEvent.Activated) {
            emoji = ":unlock:";
            what = "active until " + g.expiresAt().map(TIME::format).orElse("?");
        } else if (event instanceof GrantEvent.ProvisioningFailed f) {
            emoji = ":x:";
            what = "provisioning failed";
            detail = f.reason();
        } else if (event instanceof GrantEvent.RolledBack r) {
            emoji = ":x:";
            what = "provisioning rolled back: the access the target made was taken back";
            detail = r.reason();
        } else if (event instanceof GrantEvent.ExpiryWarned) {
            emoji = ":hourglass:";
            what = "expiring at " + g.expiresAt().map(TIME::format).orElse("?");
        } else if (event instanceof GrantEvent.ExtensionRequested) {
            emoji = ":hourglass_flowing_sand:";
            what = "extension of " + g.extension().map(e -> DurationText.format(e.duration())).orElse("?")
                    + " requested";
            detail = g.extension().map(e -> e.justification()).orElse("");
        } else if (event instanceof GrantEvent.ExtensionApprovalRecorded a) {
            emoji = ":ballot_box_with_check:";
            what = "extension approved by " + ReplyText.mention(a.approver()) + (g.extensionApproved()
                    ? ", moving the end at the target" : ", more approvals needed");
        } else if (event instanceof GrantEvent.ExtensionFailed e) {
            emoji = ":warning:";
            what = "extension failed at the target; access still ends at " + g.expiresAt().map(TIME::format).orElse("?");
            detail = e.error();
        } else if (event instanceof GrantEvent.Extended e) {
            emoji = ":heavy_plus_sign:";
            what = "extended by " + DurationText.format(e.added()) + " (" + ReplyText.mention(e.approver())
                    + "), until " + g.expiresAt().map(TIME::format).orElse("?");
        } else if (event instanceof GrantEvent.ExtensionDenied e) {
            emoji = ":no_entry_sign:";
            what = "extension denied by " + ReplyText.mention(e.approver());
            detail = e.reason();
        } else if (event instanceof GrantEvent.Expired) {
            emoji = ":lock:";
            what = "expired: access removed";
        } else if (event instanceof GrantEvent.Revoked) {
            emoji = ":lock:";
            what = "revoked" + g.revocation().revokedBy().map(by -> " by " + ReplyText.mention(by)).orElse("")
                    + ": access removed";
            detail = g.revocation().reason().orElse("");
        } else if (event instanceof GrantEvent.ReviewReminded r) {
            emoji = ":bell:";
            what = "review overdue: " + ReplyText.mention(g.requester()) + " has not written it after " + r.number()
                    + " reminders";
        } else if (event instanceof GrantEvent.ReviewWritten) {
            emoji = ":pencil:";
            what = "review written by " + ReplyText.mention(g.requester());
        } else if (event instanceof GrantEvent.Reviewed r) {
            emoji = ":white_check_mark:";
            what = "review signed off by " + ReplyText.mention(r.by());
        } else {
            emoji = ":information_source:";
            what = kind.policyName();
        }
        Map<String, Object> d = new HashMap<>();
        d.put("emoji", emoji);
        d.put("id", g.id().toString());
        d.put("what", what);
        d.put("event", kind.policyName());
        d.put("requester", ReplyText.mention(g.requester()));
        d.put("target", g.target());
        d.put("role", g.role().orElse(""));
        d.put("duration", DurationText.format(g.duration()));
        d.put("detail", SlackText.oneLine(detail, DETAIL_LIMIT));
        d.put("link", url);
        return d;
    }

    private static Map<String, Object> sample() {
        Map<String, Object> d = new HashMap<>();
        for (String k : List.of("emoji", "id", "what", "event", "requester", "target", "role", "duration", "detail",
                "link")) {
            d.put(k, "x");
        }
        return d;
    }

    /** Looks up the card's permalink once, for every notify message of the grant ("" when there is no card). */
    private void findPermalink(GrantId id, CompletableFuture<String> toFind) {
        if (toFind == null || toFind.isDone()) {
            return;
        }
        String url = "";
        try {
            var card = cards.find(id);
            if (card.isPresent()) {
                var r = patiently(() -> slack.chatGetPermalink(b -> b.channel(card.get().channel())
                        .messageTs(card.get().ts())));
                if (r.isOk() && r.getPermalink() != null) {
                    url = r.getPermalink();
                } else {
                    LOG.warn("No permalink for the card of {}: {}", id, r.getError());
                }
            }
        } catch (Exception e) {
            LOG.warn("No permalink for the card of {}: {}", id, e.toString());
        }
        toFind.complete(url);
    }

    private static String await(CompletableFuture<String> link, GrantId id) {
        try {
            return link.get(LINK_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("The card of {} has no permalink yet; notifying without it", id);
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException e) {
            return "";
        }
    }

    private void postCard(Grant g) throws IOException, SlackApiException {
        String channel = policy.channels().approvals();
        ChatPostMessageResponse r = patiently(() -> slack.chatPostMessage(b -> b.channel(channel).text(render.cardText(g))
                .blocks(render.card(g))));
        if (!r.isOk()) {
            LOG.error("Posting the card of {} to {} failed: {}", g.id(), channel, r.getError());
            return;
        }
        cards.save(g.id(), new JdbcCardStore.Card(r.getChannel(), r.getTs()));
    }

    private void updateCard(Grant g) throws IOException, SlackApiException {
        var card = cards.find(g.id());
        if (card.isEmpty()) {
            LOG.warn("No card to update for {}", g.id());
            return;
        }
        var r = patiently(() -> slack.chatUpdate(b -> b.channel(card.get().channel()).ts(card.get().ts()).text(render.cardText(g))
                .blocks(render.card(g))));
        if (!r.isOk()) {
            LOG.error("Updating the card of {} failed: {}", g.id(), r.getError());
        }
    }

    private void tellRequester(Grant g, String headline, String... buttons) throws IOException, SlackApiException {
        List<LayoutBlock> blocks = render.requesterUpdate(g, headline, buttons);
        var r = patiently(() -> slack.chatPostMessage(b -> b.channel(g.requester()).text(render.cardText(g)).blocks(blocks)));
        if (!r.isOk()) {
            LOG.error("Messaging the requester of {} failed: {}", g.id(), r.getError());
        }
    }




    /** Lets queued messages go out before the application stops (at most about 10 s in all). */
    @PreDestroy
    void drain() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        queue.shutdown();
        channelQueues.values().forEach(ExecutorService::shutdown);
        queue.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        for (ExecutorService q : channelQueues.values()) {
            q.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}

package dev.breakglass.bot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.events.GrantEventListener;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.GrantStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tells Slack about grant events: posts the request card in the approvals channel and updates it in place,
 * messages the requester directly, and announces emergencies in every notify channel.
 *
 * <p>Events are delivered off the caller's thread, one at a time in publish order, so a Slack call never holds
 * up a decision or Slack's 3-second acknowledgement. The card is always rendered from the grant as stored
 * now, so a late update never shows an older state. Delivery failures are logged, not thrown.
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
    private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "slack-notify");
        t.setDaemon(true);
        return t;
    });

    public SlackNotifier(MethodsClient slack, GrantStore grants, JdbcCardStore cards, GrantCard render, Policy policy) {
        this.slack = slack;
        this.grants = grants;
        this.cards = cards;
        this.render = render;
        this.policy = policy;
    }

    @Override
    public void on(GrantEvent event) {
        queue.execute(() -> {
            try {
                deliver(event);
            } catch (Exception e) {
                LOG.error("Could not tell Slack about {} of {}: {}", event.getClass().getSimpleName(),
                        event.grant().id(), e.toString());
            }
        });
    }

    private void deliver(GrantEvent event) throws IOException, SlackApiException {
        Grant g = grants.find(event.grant().id()).orElse(event.grant());
        if (event instanceof GrantEvent.Requested) {
            postCard(g);
            tellRequester(g, "Your request is waiting for approval in <#" + policy.channels().approvals() + ">.",
                    GrantCard.CANCEL);
            return;
        }
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
        } else if (event instanceof GrantEvent.GlassBroken) {
            announceEmergency(g);
        } else if (event instanceof GrantEvent.Activated a) {
            tellRequester(g, ":unlock: Your access to *" + SlackText.escape(g.target()) + "* is ready."
                    + (a.credentialsIssued() ? " Reveal the credentials below; they are shown only to you, "
                    + "in a window that is not kept in the chat history." : "") + " When you are finished, end it "
                    + "early with I'm done.", a.credentialsIssued() ? GrantCard.REVEAL : null, GrantCard.DONE);
        } else if (event instanceof GrantEvent.ProvisioningFailed) {
            tellRequester(g, ":x: Access could not be provisioned.");
        } else if (event instanceof GrantEvent.ExpiryWarned) {
            tellRequester(g, ":hourglass: Your access to *" + SlackText.escape(g.target()) + "* ends at "
                    + g.expiresAt().map(TIME::format).orElse("?") + ". Extend it (a peer approves again) or end it now.",
                    GrantCard.EXTEND, GrantCard.DONE);
        } else if (event instanceof GrantEvent.ExtensionRequested) {
            tellRequester(g, "You asked for " + g.extension().map(e -> DurationText.format(e.duration())).orElse("")
                    + " more; it waits for approval.");
        } else if (event instanceof GrantEvent.Extended e) {
            tellRequester(g, ":white_check_mark: " + ReplyText.mention(e.approver()) + " approved "
                    + DurationText.format(e.added()) + " more.");
        } else if (event instanceof GrantEvent.ExtensionDenied e) {
            tellRequester(g, ":no_entry: " + ReplyText.mention(e.approver()) + " denied the extension: "
                    + SlackText.escape(e.reason()));
        } else if (event instanceof GrantEvent.Expired) {
            tellRequester(g, ":lock: Your access has ended and was removed.");
        } else if (event instanceof GrantEvent.Revoked) {
            tellRequester(g, ":lock: Your access was ended early" + g.revocation().revokedBy()
                    .filter(by -> !by.equals(g.requester())).map(by -> " by " + ReplyText.mention(by)).orElse("")
                    + " and removed.");
        } else if (event instanceof GrantEvent.RevocationFailed f && f.first()) {
            alert(g, ":rotating_light: *Revocation failing* for " + g.id() + " (" + ReplyText.mention(g.requester())
                    + " on *" + SlackText.escape(g.target()) + "*): " + SlackText.escape(f.error())
                    + ". The access may still work. Retrying with backoff until it succeeds or someone marks it "
                    + "resolved.", true);
        } else if (event instanceof GrantEvent.RevocationRecovered) {
            alert(g, ":white_check_mark: Revocation of " + g.id() + " succeeded after "
                    + g.revocation().attempts() + " attempts: the access is removed.", false);
        } else if (event instanceof GrantEvent.RevocationResolved r) {
            alert(g, ":white_check_mark: " + ReplyText.mention(r.by()) + " marked the revocation of " + g.id()
                    + " resolved by hand: " + SlackText.escape(g.revocation().reason().orElse("")), false);
        }
    }

    /** A message to every notify channel; a failing revocation carries a "Mark resolved" button for revokers. */
    private void alert(Grant g, String mrkdwn, boolean resolvable) throws IOException, SlackApiException {
        List<LayoutBlock> blocks = render.alert(g, mrkdwn, resolvable);
        for (String channel : policy.channels().notifyChannels()) {
            var r = patiently(() -> slack.chatPostMessage(b -> b.channel(channel).text(mrkdwn).blocks(blocks)));
            if (!r.isOk()) {
                LOG.error("Alerting {} about {} failed: {}", channel, g.id(), r.getError());
            }
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

    /** Emergencies are loud: every notify channel and the approvals channel hear it at once. */
    private void announceEmergency(Grant g) throws IOException, SlackApiException {
        String text = ":rotating_light: *EMERGENCY break glass* " + g.id() + ": " + ReplyText.mention(g.requester())
                + " took *" + SlackText.escape(g.target()) + "*" + g.role().map(r -> " as *" + SlackText.escape(r)
                + "*").orElse("") + " for *" + DurationText.format(g.duration())
                + "* without peer approval. A review is mandatory.";
        for (String channel : policy.channels().notifyChannels()) {
            var r = patiently(() -> slack.chatPostMessage(b -> b.channel(channel).text(text)));
            if (!r.isOk()) {
                LOG.error("Announcing the emergency {} in {} failed: {}", g.id(), channel, r.getError());
            }
        }
    }

    /** A Web API call that may fail the way Slack's client does. */
    @FunctionalInterface
    private interface SlackCall<T> {
        T call() throws IOException, SlackApiException;
    }

    /**
     * Runs a Web API call until Slack takes it: a 429 waits as long as Slack's {@code Retry-After} says (or a
     * second), a network error backs off (1 s doubling to 30 s) — for as long as it takes, so a rate limit or an
     * outage delays a message but never drops it. Messages queued behind it wait, which keeps their order.
     * Other Slack errors are answers, not outages: they are returned for the caller to log.
     */
    private <T> T patiently(SlackCall<T> call) throws IOException, SlackApiException {
        long backoff = 1000;
        while (true) {
            try {
                return call.call();
            } catch (SlackApiException e) {
                if (e.getResponse() == null || e.getResponse().code() != 429) {
                    throw e;
                }
                String retryAfter = e.getResponse().header("Retry-After");
                long wait = 1000;
                try {
                    wait = Math.max(1, Long.parseLong(retryAfter == null ? "1" : retryAfter.trim())) * 1000;
                } catch (NumberFormatException ignored) {
                    // Slack always sends seconds; a missing or odd header means "a moment"
                }
                LOG.info("Slack rate limit: waiting {} s before retrying", wait / 1000);
                sleep(wait);
            } catch (IOException e) {
                LOG.warn("Slack unreachable ({}); retrying in {} s", e.getMessage(), backoff / 1000);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }

    /** Lets queued messages go out before the application stops. */
    @PreDestroy
    void drain() throws InterruptedException {
        queue.shutdown();
        queue.awaitTermination(10, TimeUnit.SECONDS);
    }
}

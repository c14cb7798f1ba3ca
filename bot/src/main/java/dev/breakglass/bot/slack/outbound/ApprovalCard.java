package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.breakglass.bot.events.EventConsumer;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.bot.events.JdbcEventOutbox;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.GrantStore;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

/**
 * The request card in the approvals channel, and the post-mortem thread under it ({@link PostMortemThread}): posted
 * at the request, then updated in place at every event, always rendered from the grant as stored now, so a late
 * update never shows an older state. An update is skipped when a later event already waits in the card's lane: that
 * one renders the grant again at once, so when the relay is behind (a burst of requests), a grant's run of events
 * costs Slack one update, not one each.
 *
 * <p>Edge cases: a repeated delivery of the request (the process died after posting, before the outbox heard) finds
 * the card already stored, or finds the posted card by its metadata ({@link DeliveryMarks}), and updates it instead
 * of posting a second one. A post-mortem event waits until the grant's audit entries up to it are
 * written ({@link JdbcEventOutbox#pendingBefore}), because the thread shows the audit timeline; its thread is shown
 * even when its card update is skipped. A reveal changes nothing on the card, but renders it again all the same: an
 * update before it may have been skipped for it. Slack refusing a call (not a network error) is logged, not
 * retried.
 */
@Singleton
public class ApprovalCard implements EventConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalCard.class);
    private static final Duration AUDIT_WAIT = Duration.ofMillis(200);

    private final MethodsClient slack;
    private final GrantStore grants;
    private final JdbcCardStore cards;
    private final GrantCard render;
    private final Policy policy;
    private final PostMortemThread postMortems;

    private final DeliveryMarks marks;

    public ApprovalCard(MethodsClient slack, GrantStore grants, JdbcCardStore cards, GrantCard render, Policy policy,
                        PostMortemThread postMortems, DeliveryMarks marks) {
        this.marks = marks;
        this.slack = slack;
        this.grants = grants;
        this.cards = cards;
        this.render = render;
        this.policy = policy;
        this.postMortems = postMortems;
    }

    @Override
    public String name() {
        return EventRoutes.CARD;
    }

    @Override
    public boolean reachesOut() {
        return true;
    }

    @Override
    public boolean waitedOn() {
        return true;
    }

    /** What an event does to the card and its thread. */
    sealed interface Effect {
        /** The card is posted (at the request) or updated. */
        Effect CARD = new Card();
        /** The card is updated and the post-mortem thread shows the grant's timeline. */
        Effect POST_MORTEM = new PostMortem();

        record Card() implements Effect {}

        record PostMortem() implements Effect {}

        /** As {@link #POST_MORTEM}, and the written review is posted in the thread. */
        record Review() implements Effect {}

        /** As {@link #POST_MORTEM}, and {@code by}'s sign-off is noted in the thread. */
        record SignOff(String by) implements Effect {}
    }

    /** Exhaustive over the events, so a new kind must say what it does to the card before it compiles. */
    static Effect effect(GrantEvent event) {
        return switch (event) {
            case GrantEvent.Requested e -> Effect.CARD;
            case GrantEvent.ApprovalRecorded e -> Effect.CARD;
            case GrantEvent.Approved e -> Effect.CARD;
            case GrantEvent.Denied e -> Effect.CARD;
            case GrantEvent.Cancelled e -> Effect.CARD;
            case GrantEvent.TimedOut e -> Effect.CARD;
            case GrantEvent.EmergencyOffered e -> Effect.CARD;
            case GrantEvent.GlassBroken e -> Effect.CARD;
            case GrantEvent.Activated e -> Effect.CARD;
            case GrantEvent.ProvisioningFailed e -> Effect.CARD;
            // a reveal changes nothing shown (the audit log and the post-mortem timeline tell it), but the card is
            // rendered again: an update before it may have been skipped for this one (see deliver)
            case GrantEvent.CredentialsRevealed e -> Effect.CARD;
            case GrantEvent.RolledBack e -> Effect.CARD;
            case GrantEvent.ExpiryWarned e -> Effect.CARD;
            case GrantEvent.ExtensionRequested e -> Effect.CARD;
            case GrantEvent.ExtensionApprovalRecorded e -> Effect.CARD;
            case GrantEvent.Extended e -> Effect.CARD;
            case GrantEvent.ExtensionFailed e -> Effect.CARD;
            case GrantEvent.ExtensionDenied e -> Effect.CARD;
            case GrantEvent.Expired e -> Effect.CARD;
            case GrantEvent.Revoked e -> Effect.CARD;
            case GrantEvent.RevocationFailed e -> Effect.CARD;
            case GrantEvent.RevocationRecovered e -> Effect.CARD;
            case GrantEvent.RevocationResolved e -> Effect.CARD;
            case GrantEvent.PostMortemOpened e -> Effect.POST_MORTEM;
            case GrantEvent.ReviewReminded e -> Effect.POST_MORTEM;
            case GrantEvent.ReviewWritten e -> new Effect.Review();
            case GrantEvent.Reviewed r -> new Effect.SignOff(r.by());
        };
    }

    @Override
    public void deliver(Delivery delivery, Connection connection) throws Exception {
        GrantEvent event = delivery.event();
        Effect effect = effect(event);
        Grant g = grants.find(event.grant().id()).orElse(event.grant());
        if (cards.find(g.id()).isEmpty()) {
            if (!(event instanceof GrantEvent.Requested)) {
                LOG.warn("No card to update for {}", g.id());
                return;
            }
            postCard(g, delivery);
            return;
        }
        // Rendered from the grant as stored now, so a later event waiting in this lane makes this update stale at once.
        if (!JdbcEventOutbox.pendingAfter(connection, EventRoutes.CARD, delivery.lane(), delivery.id())) {
            updateCard(g);
        }
        switch (effect) {
            case Effect.Card c -> {
                // the card is all it changes
            }
            case Effect.PostMortem p -> showPostMortem(delivery, g, connection);
            case Effect.Review r -> {
                showPostMortem(delivery, g, connection);
                postMortems.postReview(g);
            }
            case Effect.SignOff s -> {
                showPostMortem(delivery, g, connection);
                postMortems.postSignedOff(g, s.by());
            }
        }
    }

    private void showPostMortem(Delivery delivery, Grant g, Connection connection) throws Exception {
        if (JdbcEventOutbox.pendingBefore(connection, EventRoutes.AUDIT, Long.toString(g.id().value()),
                delivery.id())) {
            throw new NotYet("the audit timeline of " + g.id() + " is not written yet", AUDIT_WAIT);
        }
        postMortems.show(g);
    }

    private void postCard(Grant g, Delivery delivery) throws IOException, SlackApiException {
        String channel = policy.channels().approvals();
        Optional<String> earlier = marks.postedBefore(channel, delivery);
        if (earlier.isPresent()) {
            cards.save(g.id(), new JdbcCardStore.Card(channel, earlier.get()));
            updateCard(g);
            return;
        }
        ChatPostMessageResponse r = patiently(() -> slack.chatPostMessage(b -> b.channel(channel)
                .text(render.cardText(g)).blocks(render.card(g)).metadata(DeliveryMarks.of(delivery))));
        if (!r.isOk()) {
            LOG.error("Posting the card of {} to {} failed: {}", g.id(), channel, r.getError());
            return;
        }
        cards.save(g.id(), new JdbcCardStore.Card(r.getChannel(), r.getTs()));
    }

    private void updateCard(Grant g) throws IOException, SlackApiException {
        var card = cards.find(g.id()).orElseThrow();
        var r = patiently(() -> slack.chatUpdate(b -> b.channel(card.channel()).ts(card.ts())
                .text(render.cardText(g)).blocks(render.card(g))));
        if (!r.isOk()) {
            LOG.error("Updating the card of {} failed: {}", g.id(), r.getError());
        }
    }
}

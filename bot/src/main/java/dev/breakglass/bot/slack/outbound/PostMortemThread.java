package dev.breakglass.bot.slack.outbound;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.bot.activity.JdbcActivityLog;
import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.ActivityView;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.grant.Grant;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

/**
 * The post-mortem thread under a grant's request card ({@code thread_ts} = the card's ts): its opening message,
 * posted once and then updated in place as the review moves on, and the replies (the written review, the
 * sign-off). Called by {@link ApprovalCard} in the card's lane, so it is in order with the card's own updates.
 *
 * <p>Edge cases: the opening message is always rendered from the grant, its audit entries and the summary of its
 * activity ({@link ActivityView#summary}) as stored now, so activity recorded in the grace window after the end shows
 * at the message's next update;
 * any post-mortem event posts it when it is missing (a process that died before posting it), so a reminder
 * never points at a thread that does not exist; a grant without a card has no thread (logged).
 */
@Singleton
public class PostMortemThread {
    private static final Logger LOG = LoggerFactory.getLogger(PostMortemThread.class);
    private final MethodsClient slack;
    private final JdbcCardStore cards;
    private final JdbcAuditLog audit;
    private final PostMortemView view;
    private final Policy policy;
    private final JdbcActivityLog activity;
    private final ActivityView activityView;

    public PostMortemThread(MethodsClient slack, JdbcCardStore cards, JdbcAuditLog audit, PostMortemView view,
                            Policy policy, JdbcActivityLog activity, ActivityView activityView) {
        this.activity = activity;
        this.activityView = activityView;
        this.slack = slack;
        this.cards = cards;
        this.audit = audit;
        this.view = view;
        this.policy = policy;
    }

    /** Posts the opening message when it is missing, else updates it to the grant as stored now. */
    void show(Grant g) throws IOException, SlackApiException {
        Optional<JdbcCardStore.Card> card = cards.find(g.id());
        if (card.isEmpty()) {
            LOG.error("{} has no request card, so no post-mortem thread", g.id());
            return;
        }
        List<LayoutBlock> blocks = view.opening(g, audit.forGrant(g.id().value()), context(g));
        Optional<String> ts = cards.postMortem(g.id());
        if (ts.isPresent()) {
            var r = patiently(() -> slack.chatUpdate(b -> b.channel(card.get().channel()).ts(ts.get())
                    .text(view.openingText(g)).blocks(blocks)));
            if (!r.isOk()) {
                LOG.error("Updating the post-mortem of {} failed: {}", g.id(), r.getError());
            }
            return;
        }
        var r = patiently(() -> slack.chatPostMessage(b -> b.channel(card.get().channel())
                .threadTs(card.get().ts()).text(view.openingText(g)).blocks(blocks)));
        if (!r.isOk()) {
            LOG.error("Posting the post-mortem of {} failed: {}", g.id(), r.getError());
            return;
        }
        cards.savePostMortem(g.id(), r.getTs());
    }

    /** Posts the written review as a reply in the thread. */
    void postReview(Grant g) throws IOException, SlackApiException {
        reply(g, view.reviewFallback(g), view.review(g));
    }

    /** Posts the short note that {@code by} signed the review off, as a reply in the thread. */
    void postSignedOff(Grant g, String by) throws IOException, SlackApiException {
        reply(g, view.signedOffNote(g, by), null);
    }

    private void reply(Grant g, String text, List<LayoutBlock> blocks) throws IOException, SlackApiException {
        Optional<JdbcCardStore.Card> card = cards.find(g.id());
        if (card.isEmpty()) {
            LOG.error("{} has no request card, so no post-mortem thread to reply in", g.id());
            return;
        }
        var r = patiently(() -> slack.chatPostMessage(b -> {
            b.channel(card.get().channel()).threadTs(card.get().ts()).text(text);
            return blocks == null ? b : b.blocks(blocks);
        }));
        if (!r.isOk()) {
            LOG.error("Replying in the post-mortem of {} failed: {}", g.id(), r.getError());
        }
    }

    private PostMortemView.Context context(Grant g) {
        return new PostMortemView.Context(policy.review().requires(g.emergency()), policy.review().remindEvery(),
                Permissions.signersText(policy, g), activityView.summary(ActivitySummary.of(activity.of(g.id()))));
    }
}

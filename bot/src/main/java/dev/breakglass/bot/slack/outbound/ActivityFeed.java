package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.activity.JdbcActivityFeed;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.ActivityView;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.ActivityLog.Recorded;
import dev.breakglass.port.GrantStore;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The live feed: activity posted into each grant's thread under its request card ({@code thread_ts} = the card's
 * ts), one message per grant per {@link #flush} (the poll job calls it every few seconds), and an alert in the
 * security channel ({@code channels.security}, else every notify channel) for a message that holds flagged lines:
 * one alert per feed message, listing its flagged lines.
 *
 * <p>Nothing is dropped: what is stored and not yet posted waits in the feed's outbox ({@link JdbcActivityFeed}); a
 * message shows at most {@code breakglass.activity.feed-lines} lines (and every flagged one after them, up to as many
 * again) and counts the rest ("…and N more"), which stay in the store, the export and the post-mortem. Slack's rate
 * limits and outages are waited out ({@link SlackRetry}), so a busy channel delays the feed and loses nothing.
 *
 * <p>Edge cases: a grant whose card is not posted yet waits for it. A post is marked before the Slack call and
 * cleared after it ({@link JdbcActivityFeed#begin}, {@link JdbcActivityFeed#posted}); a process that died in between
 * leaves the mark, and the next flush looks for the message and the alerts by their metadata
 * ({@link DeliveryMarks}) before posting them again, so a restart neither loses nor repeats a message. Slack
 * refusing a message (not a network error or a rate limit) is logged and the lines count as posted: asking again
 * would be refused again, and they are kept for the review either way. One flush at a time per cluster: the caller
 * is a Quartz job that never runs twice at once.
 */
@Context // made at start, so a broken activity template override stops the start, not the feed
public class ActivityFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityFeed.class);
    /** At most this many rows go into one message (the rest go in the next flush's). */
    static final int READ_LIMIT = 5000;

    private final MethodsClient slack;
    private final JdbcActivityFeed feed;
    private final JdbcCardStore cards;
    private final GrantStore grants;
    private final Policy policy;
    private final ActivityView view;
    private final DeliveryMarks marks;
    private final Clock clock;
    private final int shown;

    public ActivityFeed(MethodsClient slack, JdbcActivityFeed feed, JdbcCardStore cards, GrantStore grants,
                        Policy policy, ActivityView view, DeliveryMarks marks, Clock clock,
                        @Value("${breakglass.activity.feed-lines:20}") int shown) {
        if (shown < 1 || shown > 100) {
            throw new dev.breakglass.bot.config.InvalidConfigurationException(
                    "breakglass.activity.feed-lines (BREAKGLASS_ACTIVITY_FEED_LINES) must be 1 to 100, not " + shown);
        }
        this.slack = slack;
        this.feed = feed;
        this.cards = cards;
        this.grants = grants;
        this.policy = policy;
        this.view = view;
        this.marks = marks;
        this.clock = clock;
        this.shown = shown;
    }

    /**
     * Posts what is waiting, grant by grant (the one with the oldest waiting row first); a grant that fails is
     * logged and tried again at the next flush without holding the others back.
     *
     * @return how many rows were posted
     */
    public int flush() {
        int posted = 0;
        for (GrantId id : feed.waiting()) {
            try {
                posted += post(id);
            } catch (IOException | SlackApiException | RuntimeException e) {
                LOG.warn("The activity feed of {} is not posted yet ({}); trying again at the next poll", id,
                        e.toString());
            }
        }
        return posted;
    }

    /** One message of {@code id}'s waiting rows, and its alert; returns how many rows it covered. */
    int post(GrantId id) throws IOException, SlackApiException {
        Optional<JdbcCardStore.Card> card = cards.find(id);
        Optional<Grant> grant = grants.find(id);
        if (card.isEmpty() || grant.isEmpty()) {
            return 0; // the card comes first: its delivery is retried until it is posted
        }
        Optional<JdbcActivityFeed.Attempt> earlier = feed.attempt(id);
        List<Recorded> rows = feed.unposted(id, earlier.map(JdbcActivityFeed.Attempt::lastSeq).orElse(Long.MAX_VALUE),
                READ_LIMIT);
        List<Long> seqs = rows.stream().map(Recorded::seq).toList();
        if (rows.isEmpty()) {
            feed.posted(id, seqs);
            return 0;
        }
        long upTo = earlier.map(JdbcActivityFeed.Attempt::lastSeq).orElse(rows.get(rows.size() - 1).seq());
        Instant since = earlier.map(JdbcActivityFeed.Attempt::startedAt).orElse(clock.instant());
        if (earlier.isEmpty()) {
            feed.begin(id, upTo, since);
        }
        Grant g = grant.get();
        String channel = card.get().channel();
        String thread = card.get().ts();
        String mark = "activity:" + id.value() + ":" + upTo;
        if (earlier.isEmpty() || marks.postedBefore(channel, Optional.of(thread), mark, since).isEmpty()) {
            String text = view.batch(g, rows, shown);
            send(channel, Optional.of(thread), text, ActivityView.sections(text), mark, id);
        }
        List<Recorded> flagged = rows.stream().filter(r -> r.flag().isPresent()).toList();
        if (!flagged.isEmpty()) {
            String alert = view.alert(g, flagged, shown, permalink(card.get()));
            String alertMark = "activity-alert:" + id.value() + ":" + upTo;
            for (String to : alertChannels()) {
                if (earlier.isEmpty() || marks.postedBefore(to, Optional.empty(), alertMark, since).isEmpty()) {
                    send(to, Optional.empty(), alert, ActivityView.sections(alert), alertMark, id);
                }
            }
        }
        feed.posted(id, seqs);
        return rows.size();
    }

    /** Where flagged activity is told: the security channel, else every notify channel (like checkpoints). */
    private List<String> alertChannels() {
        return policy.channels().checkpointChannels();
    }

    private void send(String channel, Optional<String> thread, String text, List<LayoutBlock> blocks, String mark,
                      GrantId id) throws IOException, SlackApiException {
        var r = patiently(() -> slack.chatPostMessage(b -> {
            b.channel(channel).text(ActivityView.firstLine(text)).blocks(blocks).metadata(DeliveryMarks.of(mark));
            return thread.isPresent() ? b.threadTs(thread.get()) : b;
        }));
        if (!r.isOk()) {
            LOG.error("Posting the activity of {} to {} failed: {}", id, channel, r.getError());
        }
    }

    private String permalink(JdbcCardStore.Card card) {
        try {
            var r = patiently(() -> slack.chatGetPermalink(b -> b.channel(card.channel()).messageTs(card.ts())));
            return r.isOk() && r.getPermalink() != null ? r.getPermalink() : "";
        } catch (IOException | SlackApiException e) {
            return "";
        }
    }
}

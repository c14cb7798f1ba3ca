package dev.breakglass.bot.slack.inbound;

import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.bot.activity.JdbcActivityLog;
import dev.breakglass.bot.slack.render.ActivityView;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.MethodsClient;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.ReviewQuestion;
import dev.breakglass.grant.ReviewService;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * The post-mortem's buttons and form: Write review (opens {@link ReviewForm} for the requester), its
 * submission, and Sign off (for the target's reviewers). {@code /breakglass review <id>} opens the same form
 * through {@link #openForm}.
 *
 * <p>Who may do what is decided by {@link ReviewService}: a click from the wrong person gets its refusal, shown
 * only to them, and no form opens.
 */
@Singleton
public class ReviewHandler implements BoltRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewHandler.class);
    private final ReviewService reviews;
    private final AfterAck later;

    private final ReplyText words;

    private final FormWords forms;

    private final JdbcActivityLog activity;
    private final ActivityView activityView;

    public ReviewHandler(ReviewService reviews, AfterAck later, ReplyText words, FormWords forms,
                         JdbcActivityLog activity, ActivityView activityView) {
        this.activity = activity;
        this.activityView = activityView;
        this.words = words;
        this.forms = forms;
        this.reviews = reviews;
        this.later = later;
    }

    @Override
    public void registerOn(App app) {
        app.blockAction(PostMortemView.WRITE_REVIEW, this::writeReview);
        app.blockAction(PostMortemView.SIGN_OFF, (req, ctx) -> ButtonActions.decide(req, ctx, later, words, reviews::signOff));
        app.viewSubmission(ReviewForm.CALLBACK, (req, ctx) -> {
            String user = req.getPayload().getUser().getId();
            Optional<GrantId> id = GrantId.parse(req.getPayload().getView().getPrivateMetadata());
            if (id.isEmpty()) {
                return Forms.error(ctx, ReviewForm.firstBlock(), later.replies().plainAnswer("reviewFormLostGrant"));
            }
            Map<ReviewQuestion, String> answers = ReviewForm.read(req.getPayload().getView().getState());
            Map<String, String> errors = ReviewForm.errors(answers, forms);
            if (!errors.isEmpty()) {
                return Forms.errors(ctx, errors);
            }
            Outcome outcome = reviews.write(id.get(), user, answers);
            if (outcome instanceof Outcome.Refused || outcome instanceof Outcome.Unchanged) {
                return Forms.error(ctx, ReviewForm.firstBlock(), words.plain(outcome.reply()));
            }
            return ctx.ack(); // the thread shows the review; the card and the channels are told
        });
    }

    private Response writeReview(BlockActionRequest req, ActionContext ctx) {
        String user = req.getPayload().getUser().getId();
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isEmpty()) {
            ButtonActions.respond(ctx, later.replies().answer("noGrantButton"));
            return ctx.ack();
        }
        openForm(ctx.client(), req.getPayload().getTriggerId(), user, id.get())
                .ifPresent(problem -> ButtonActions.respond(ctx, problem));
        return ctx.ack();
    }

    /**
     * Opens the review form for {@code user} within Slack's trigger window.
     *
     * @return why no form opened (mrkdwn), or empty when it did
     */
    Optional<String> openForm(MethodsClient client, String triggerId, String user, GrantId id) {
        Outcome may = reviews.mayWrite(id, user);
        if (!(may instanceof Outcome.Done done)) {
            return Optional.of(words.mrkdwn(may.reply()));
        }
        Grant g = done.grant();
        try {
            String summary = activityView.summary(ActivitySummary.of(activity.of(g.id())));
            var r = client.viewsOpen(b -> b.triggerId(triggerId).view(ReviewForm.build(g, forms, summary)));
            if (!r.isOk()) {
                LOG.warn("Opening the review form of {} failed: {}", id, r.getError());
                return Optional.of(later.replies().answer("reviewFormNotOpened", "error", r.getError()));
            }
            return Optional.empty();
        } catch (Exception e) {
            LOG.warn("Opening the review form of {} failed: {}", id, e.toString());
            return Optional.of(later.replies().answer("reviewFormNotOpened", "error", ""));
        }
    }
}

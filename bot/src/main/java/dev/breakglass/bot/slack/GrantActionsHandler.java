package dev.breakglass.bot.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantService;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.Reply;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.CredentialVault;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * The buttons on cards, direct messages and alerts, and the modals they open: Approve, Deny (asks for a
 * reason), Cancel, Break glass now, Reveal credentials, I'm done / Revoke now, Extend (asks for time and a
 * reason), Approve / Deny extension, Mark resolved; plus the request form's submission.
 *
 * <p>Who may do what is decided by {@link GrantService}, never here: a click from the wrong person gets the
 * core's refusal, shown only to them. A button value that is not a grant id is answered as such.
 */
@Singleton
public class GrantActionsHandler implements BoltRegistration {
    static final String DENY_CALLBACK = "bg_deny_reason";
    static final String DENY_EXTENSION_CALLBACK = "bg_extend_deny_reason";
    static final String EXTEND_CALLBACK = "bg_extend_form";
    private static final String REASON = "reason";
    private static final String DURATION = "duration";
    private static final String JUSTIFICATION = "justification";
    private static final Logger LOG = LoggerFactory.getLogger(GrantActionsHandler.class);

    private final GrantService grants;
    private final CredentialVault vault;
    private final Policy policy;

    public GrantActionsHandler(GrantService grants, CredentialVault vault, Policy policy) {
        this.grants = grants;
        this.vault = vault;
        this.policy = policy;
    }

    @Override
    public void registerOn(App app) {
        app.blockAction(GrantCard.APPROVE, (req, ctx) -> Clicks.decide(req, ctx, grants::approve));
        app.blockAction(GrantCard.CANCEL, (req, ctx) -> Clicks.decide(req, ctx, grants::cancel));
        app.blockAction(GrantCard.BREAK_GLASS, (req, ctx) -> Clicks.decide(req, ctx, grants::breakGlass));
        app.blockAction(GrantCard.DONE, (req, ctx) -> Clicks.decide(req, ctx,
                (id, user) -> grants.revoke(id, user, Optional.empty())));
        app.blockAction(GrantCard.APPROVE_EXTENSION, (req, ctx) -> Clicks.decide(req, ctx, grants::approveExtension));
        app.blockAction(GrantCard.RESOLVE, (req, ctx) -> Clicks.decide(req, ctx,
                (id, user) -> grants.resolveRevocation(id, user, "marked resolved in Slack")));
        app.blockAction(GrantCard.DENY, (req, ctx) -> openReasonForm(req, ctx, DENY_CALLBACK, "Deny", "Deny"));
        app.blockAction(GrantCard.DENY_EXTENSION, (req, ctx) -> openReasonForm(req, ctx, DENY_EXTENSION_CALLBACK,
                "Deny extension", "Deny"));
        app.blockAction(GrantCard.EXTEND, this::openExtendForm);
        app.blockAction(GrantCard.REVEAL, this::reveal);
        app.viewSubmission(DENY_CALLBACK, (req, ctx) -> submitReason(req, ctx, grants::deny));
        app.viewSubmission(DENY_EXTENSION_CALLBACK, (req, ctx) -> submitReason(req, ctx, grants::denyExtension));
        app.viewSubmission(EXTEND_CALLBACK, (req, ctx) -> {
            String user = req.getPayload().getUser().getId();
            Optional<GrantId> id = GrantId.parse(req.getPayload().getView().getPrivateMetadata());
            var values = req.getPayload().getView().getState().getValues();
            String durationText = valueOf(values, DURATION);
            Optional<java.time.Duration> more = DurationText.parse(durationText == null ? "" : durationText.strip());
            if (id.isEmpty() || more.isEmpty()) {
                return ctx.ack(r -> r.responseAction("errors").errors(Map.of(DURATION,
                        "Write the extra time as " + DurationText.HINT + ".")));
            }
            Outcome outcome = grants.requestExtension(id.get(), user, more.get(), valueOf(values, JUSTIFICATION));
            if (outcome instanceof Outcome.Refused refused) {
                String block = refused.field().filter(f -> f == Outcome.Field.JUSTIFICATION).isPresent()
                        ? JUSTIFICATION : DURATION;
                return ctx.ack(r -> r.responseAction("errors").errors(Map.of(block, outcome.reply().plain())));
            }
            return ctx.ack();
        });
        app.viewSubmission(RequestForm.CALLBACK, (req, ctx) -> {
            String user = req.getPayload().getUser().getId();
            RequestForm.Submitted submitted = RequestForm.read(req.getPayload().getView().getState());
            if (submitted instanceof RequestForm.Submitted.Errors e) {
                return ctx.ack(r -> r.responseAction("errors").errors(e.errors()));
            }
            Outcome outcome = grants.request(user, ((RequestForm.Submitted.Draft) submitted).draft());
            if (outcome instanceof Outcome.Refused refused) {
                return ctx.ack(r -> r.responseAction("errors")
                        .errors(Map.of(RequestForm.blockOf(refused.field()), refused.reply().plain())));
            }
            return ctx.ack(); // the requester hears from the bot directly, with a Cancel button
        });
    }

    /** A modal asking why (deny a request, deny an extension); the decision is made on submit. */
    private Response openReasonForm(BlockActionRequest req, ActionContext ctx, String callback, String title,
                                    String submit) throws IOException, SlackApiException {
        Optional<GrantId> id = Clicks.grantOf(req);
        if (id.isEmpty()) {
            Clicks.respond(ctx, "That button does not name a grant.");
            return ctx.ack();
        }
        return openForm(req, ctx, id.get(), callback, title + " " + id.get(), submit, List.of(
                input(i -> i.blockId(REASON).label(plainText("Why? The requester sees this."))
                        .element(plainTextInput(p -> p.actionId(REASON + "_input").multiline(true)
                                .maxLength(GrantService.MAX_REASON_LENGTH))))));
    }

    /** The requester's Extend button: a modal for the extra time and a new justification. */
    private Response openExtendForm(BlockActionRequest req, ActionContext ctx) throws IOException, SlackApiException {
        Optional<GrantId> id = Clicks.grantOf(req);
        if (id.isEmpty()) {
            Clicks.respond(ctx, "That button does not name a grant.");
            return ctx.ack();
        }
        return openForm(req, ctx, id.get(), EXTEND_CALLBACK, "Extend " + id.get(), "Ask", List.of(
                input(i -> i.blockId(DURATION).label(plainText("Extra time"))
                        .hint(plainText("Like 15m or 1h. The total stays within the target's maximum."))
                        .element(plainTextInput(p -> p.actionId(DURATION + "_input").maxLength(20)))),
                input(i -> i.blockId(JUSTIFICATION).label(plainText("Why do you need more time?"))
                        .element(plainTextInput(p -> p.actionId(JUSTIFICATION + "_input").multiline(true)
                                .minLength(Math.min(policy.justification().minLength(), 3000))
                                .maxLength(Math.min(policy.justification().maxLength(), 3000)))))));
    }

    private Response openForm(BlockActionRequest req, ActionContext ctx, GrantId id, String callback, String title,
                              String submit, List<LayoutBlock> blocks) throws IOException, SlackApiException {
        View form = view(v -> v.type("modal").callbackId(callback).privateMetadata(id.toString())
                .title(viewTitle(t -> t.type("plain_text").text(title)))
                .submit(viewSubmit(t -> t.type("plain_text").text(submit)))
                .close(viewClose(t -> t.type("plain_text").text("Back")))
                .blocks(blocks));
        var r = ctx.client().viewsOpen(b -> b.triggerId(req.getPayload().getTriggerId()).view(form));
        if (!r.isOk()) {
            LOG.warn("Opening {} for {} failed: {}", callback, id, r.getError());
            Clicks.respond(ctx, "Could not open the form (" + SlackText.escape(r.getError()) + "); click again.");
        }
        return ctx.ack();
    }

    /** A reason form was submitted: run the decision; a refusal shows on the form, which stays open. */
    private Response submitReason(com.slack.api.bolt.request.builtin.ViewSubmissionRequest req,
                                  com.slack.api.bolt.context.builtin.ViewSubmissionContext ctx,
                                  TriFunction decision) {
        String user = req.getPayload().getUser().getId();
        Optional<GrantId> id = GrantId.parse(req.getPayload().getView().getPrivateMetadata());
        if (id.isEmpty()) {
            return ctx.ack(r -> r.responseAction("errors").errors(Map.of(REASON, "This form lost its grant id.")));
        }
        Outcome outcome = decision.apply(id.get(), user, valueOf(req.getPayload().getView().getState().getValues(),
                REASON));
        if (outcome instanceof Outcome.Done) {
            return ctx.ack();
        }
        return ctx.ack(r -> r.responseAction("errors").errors(Map.of(REASON, outcome.reply().plain())));
    }

    /** A decision with a reason. */
    @FunctionalInterface
    private interface TriFunction {
        Outcome apply(GrantId id, String user, String reason);
    }

    private static String valueOf(Map<String, Map<String, com.slack.api.model.view.ViewState.Value>> values,
                                  String block) {
        var v = values == null ? null : values.getOrDefault(block, Map.of()).get(block + "_input");
        return v == null || v.getValue() == null ? "" : v.getValue();
    }

    /**
     * Shows the credentials in a modal to the requester only, at most {@code reveal-limit} times, and only while
     * the access is active. Modals are not part of the chat history.
     */
    private Response reveal(BlockActionRequest req, ActionContext ctx) throws IOException, SlackApiException {
        String user = req.getPayload().getUser().getId();
        Optional<Grant> grant = Clicks.grantOf(req).flatMap(grants::find);
        if (grant.isEmpty() || !grant.get().requester().equals(user)) {
            Clicks.respond(ctx, "Only the requester can reveal these credentials.");
            return ctx.ack();
        }
        Grant g = grant.get();
        Optional<Reply> notNow = grants.notAllowedToReveal(g, user);
        if (notNow.isPresent()) {
            Clicks.respond(ctx, ReplyText.mrkdwn(notNow.get()));
            return ctx.ack();
        }
        if (g.state() != GrantState.ACTIVE) {
            Clicks.respond(ctx, g.id() + " has ended (" + g.state().name().toLowerCase().replace('_', ' ')
                    + "); its credentials are gone.");
            return ctx.ack();
        }
        // Open the window first (the trigger expires in 3 s), and only then count a reveal: a modal Slack
        // refuses must not use up the requester's only reveal.
        View placeholder = credentialsView(g, List.of(section(s -> s.text(markdownText("Fetching the credentials…")))));
        com.slack.api.methods.response.views.ViewsOpenResponse opened;
        try {
            opened = ctx.client().viewsOpen(b -> b.triggerId(req.getPayload().getTriggerId()).view(placeholder));
        } catch (IOException | SlackApiException e) {
            opened = null;
            LOG.warn("Opening the credentials window of {} failed: {}", g.id(), e.toString());
        }
        if (opened == null || !opened.isOk()) {
            Clicks.respond(ctx, "Slack did not open the window (" + SlackText.escape(opened == null ? "unreachable"
                    : opened.getError()) + "); nothing was revealed, click again.");
            return ctx.ack();
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        CredentialVault.Reveal reveal = vault.reveal(g.id(), policy.revealLimit());
        if (reveal instanceof CredentialVault.Reveal.Revealed revealed) {
            revealed.credentials().fields().forEach((label, value) -> blocks.add(section(s -> s.text(markdownText(
                    "*" + SlackText.escape(label) + "*\n```" + SlackText.escape(value) + "```")))));
            blocks.add(section(s -> s.text(markdownText(revealed.remaining() == 0
                    ? "This is the only time these are shown. Copy what you need now."
                    : revealed.remaining() + " more reveal(s) allowed."))));
        } else if (reveal instanceof CredentialVault.Reveal.Exhausted exhausted) {
            blocks.add(section(s -> s.text(markdownText("The credentials of " + g.id() + " were already revealed "
                    + exhausted.limit() + " time(s), the most the policy allows."))));
        } else {
            blocks.add(section(s -> s.text(markdownText(g.id() + " has no credentials to reveal."))));
        }
        String viewId = opened.getView().getId();
        var updated = ctx.client().viewsUpdate(b -> b.viewId(viewId).view(credentialsView(g, blocks)));
        if (!updated.isOk()) {
            LOG.error("Showing the credentials of {} failed after the reveal was counted: {}", g.id(),
                    updated.getError());
            Clicks.respond(ctx, "Slack did not show the credentials (" + SlackText.escape(updated.getError()) + ").");
        }
        return ctx.ack();
    }

    private static View credentialsView(Grant g, List<LayoutBlock> blocks) {
        return view(v -> v.type("modal").callbackId("bg_credentials")
                .title(viewTitle(t -> t.type("plain_text").text("Credentials " + g.id())))
                .close(viewClose(t -> t.type("plain_text").text("Done")))
                .blocks(blocks));
    }
}

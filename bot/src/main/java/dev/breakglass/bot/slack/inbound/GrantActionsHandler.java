package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.RevealService;
import dev.breakglass.grant.RequestDraft;
import dev.breakglass.grant.RequestService;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.input;
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
 * <p>Who may do what is decided by the use cases ({@code policy.Permissions}), never here: a click from the wrong
 * person gets the
 * core's refusal, shown only to them. A button value that is not a grant id is answered as such. Where the policy
 * asks for step-up, Approve, Break glass now and Approve extension open {@link StepUpForms}' code modal instead of
 * acting, and the extend and request forms carry a code field; without a valid code the core refuses anyway.
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

    private final RequestService requests;
    private final AccessService access;
    private final ExtensionService extensions;
    private final RevealService reveals;
    private final Policy policy;
    private final AfterAck later;
    private final StepUpForms stepUp;
    private final ReplyText words;

    public GrantActionsHandler(RequestService requests, AccessService access, ExtensionService extensions,
                               RevealService reveals, Policy policy, AfterAck later, StepUpForms stepUp,
                               ReplyText words) {
        this.words = words;
        this.stepUp = stepUp;
        this.requests = requests;
        this.access = access;
        this.extensions = extensions;
        this.reveals = reveals;
        this.policy = policy;
        this.later = later;
    }

    /** The buttons this handler answers, by the action id they carry. */
    enum Button {
        APPROVE(GrantCard.APPROVE), DENY(GrantCard.DENY), CANCEL(GrantCard.CANCEL), BREAK_GLASS(GrantCard.BREAK_GLASS),
        REVEAL(GrantCard.REVEAL), DONE(GrantCard.DONE), EXTEND(GrantCard.EXTEND),
        APPROVE_EXTENSION(GrantCard.APPROVE_EXTENSION), DENY_EXTENSION(GrantCard.DENY_EXTENSION),
        RESOLVE(GrantCard.RESOLVE);

        final String actionId;

        Button(String actionId) {
            this.actionId = actionId;
        }
    }

    @Override
    public void registerOn(App app) {
        for (Button button : Button.values()) {
            app.blockAction(button.actionId, (req, ctx) -> clicked(button, req, ctx));
        }
        app.viewSubmission(DENY_CALLBACK, (req, ctx) -> submitReason(req, ctx, requests::deny));
        app.viewSubmission(DENY_EXTENSION_CALLBACK, (req, ctx) -> submitReason(req, ctx, extensions::denyExtension));
        app.viewSubmission(EXTEND_CALLBACK, (req, ctx) -> {
            String user = req.getPayload().getUser().getId();
            Optional<GrantId> id = GrantId.parse(req.getPayload().getView().getPrivateMetadata());
            var values = req.getPayload().getView().getState().getValues();
            String durationText = valueOf(values, DURATION);
            Optional<java.time.Duration> more = DurationText.parse(durationText == null ? "" : durationText.strip());
            if (id.isEmpty() || more.isEmpty()) {
                return ctx.ack(r -> r.responseAction("errors").errors(Map.of(DURATION,
                        later.replies().plainAnswer("extraTimeFormat", "hint", DurationText.HINT))));
            }
            Optional<dev.breakglass.stepup.StepUpProof> proof = Optional.empty();
            if (stepUp.required(id.get(), StepUpPolicy.Action.EXTEND)) {
                StepUpForms.Proof checked = stepUp.check(user, req.getPayload().getView().getState(),
                        StepUpPolicy.Action.EXTEND, id);
                if (checked instanceof StepUpForms.Proof.Refused no) {
                    return ctx.ack(r -> r.responseAction("errors").errors(Map.of(StepUpForms.CODE, no.message())));
                }
                proof = Optional.of(((StepUpForms.Proof.Passed) checked).proof());
            }
            Outcome outcome = extensions.requestExtension(id.get(), user, more.get(), valueOf(values, JUSTIFICATION),
                    proof);
            if (outcome instanceof Outcome.Refused refused) {
                String block = refused.field().filter(f -> f == Outcome.Field.JUSTIFICATION).isPresent()
                        ? JUSTIFICATION : DURATION;
                return ctx.ack(r -> r.responseAction("errors").errors(Map.of(block, words.plain(outcome.reply()))));
            }
            return ctx.ack();
        });
        app.viewSubmission(RequestForm.CALLBACK, (req, ctx) -> {
            String user = req.getPayload().getUser().getId();
            RequestForm.Submitted submitted = RequestForm.read(req.getPayload().getView().getState());
            if (submitted instanceof RequestForm.Submitted.Errors e) {
                return ctx.ack(r -> r.responseAction("errors").errors(e.errors()));
            }
            RequestDraft draft = ((RequestForm.Submitted.Draft) submitted).draft();
            Optional<dev.breakglass.stepup.StepUpProof> proof = Optional.empty();
            if (stepUp.requiredForRequest(draft.target())) {
                StepUpForms.Proof checked = stepUp.check(user, req.getPayload().getView().getState(),
                        StepUpPolicy.Action.REQUEST, Optional.empty());
                if (checked instanceof StepUpForms.Proof.Refused no) {
                    return ctx.ack(r -> r.responseAction("errors").errors(Map.of(StepUpForms.CODE, no.message())));
                }
                proof = Optional.of(((StepUpForms.Proof.Passed) checked).proof());
            }
            Outcome outcome = requests.request(user, draft, proof);
            if (outcome instanceof Outcome.Refused refused) {
                return ctx.ack(r -> r.responseAction("errors")
                        .errors(Map.of(RequestForm.blockOf(refused.field()), words.plain(refused.reply()))));
            }
            return ctx.ack(); // the requester hears from the bot directly, with a Cancel button
        });
    }

    /**
     * What a click does: one use case, or the form that asks for what the use case needs (a reason, more time).
     * Exhaustive: a new button does not compile until it is answered here.
     */
    private Response clicked(Button button, BlockActionRequest req, ActionContext ctx)
            throws IOException, SlackApiException {
        return switch (button) {
            case APPROVE -> guarded(req, ctx, StepUpForms.Guarded.APPROVE, requests::approve);
            case DENY -> openReasonForm(req, ctx, DENY_CALLBACK, "Deny", "Deny");
            case CANCEL -> ButtonActions.decide(req, ctx, later, words, requests::cancel);
            case BREAK_GLASS -> guarded(req, ctx, StepUpForms.Guarded.BREAK_GLASS, requests::breakGlass);
            case REVEAL -> reveal(req, ctx);
            case DONE -> ButtonActions.decide(req, ctx, later, words,
                    (id, user) -> access.revoke(id, user, Optional.empty()));
            case EXTEND -> openExtendForm(req, ctx);
            case APPROVE_EXTENSION -> guarded(req, ctx, StepUpForms.Guarded.APPROVE_EXTENSION,
                    extensions::approveExtension);
            case DENY_EXTENSION -> openReasonForm(req, ctx, DENY_EXTENSION_CALLBACK, "Deny extension", "Deny");
            case RESOLVE -> ButtonActions.decide(req, ctx, later, words,
                    (id, user) -> access.resolveRevocation(id, user, "marked resolved in Slack"));
        };
    }

    /**
     * A button whose action step-up may guard: where the policy asks for it, the code modal opens and nothing else
     * happens; otherwise the use case runs as for any click.
     */
    private Response guarded(BlockActionRequest req, ActionContext ctx, StepUpForms.Guarded action,
                             java.util.function.BiFunction<GrantId, String, Outcome> useCase) {
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isPresent() && stepUp.required(id.get(), action.action)) {
            return stepUp.askForCode(req, ctx, id.get(), action);
        }
        return ButtonActions.decide(req, ctx, later, words, useCase);
    }

    /** A modal asking why (deny a request, deny an extension); the decision is made on submit. */
    private Response openReasonForm(BlockActionRequest req, ActionContext ctx, String callback, String title,
                                    String submit) throws IOException, SlackApiException {
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isEmpty()) {
            ButtonActions.respond(ctx, later.replies().answer("noGrantButton"));
            return ctx.ack();
        }
        return openForm(req, ctx, id.get(), callback, title + " " + id.get(), submit, List.of(
                input(i -> i.blockId(REASON).label(plainText("Why? The requester sees this."))
                        .element(plainTextInput(p -> p.actionId(REASON + "_input").multiline(true)
                                .maxLength(RequestService.MAX_REASON_LENGTH))))));
    }

    /** The requester's Extend button: a modal for the extra time and a new justification. */
    private Response openExtendForm(BlockActionRequest req, ActionContext ctx) throws IOException, SlackApiException {
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isEmpty()) {
            ButtonActions.respond(ctx, later.replies().answer("noGrantButton"));
            return ctx.ack();
        }
        List<LayoutBlock> blocks = new java.util.ArrayList<>(List.of(
                input(i -> i.blockId(DURATION).label(plainText("Extra time"))
                        .hint(plainText("Like 15m or 1h. The total stays within the target's maximum."))
                        .element(plainTextInput(p -> p.actionId(DURATION + "_input").maxLength(20)))),
                input(i -> i.blockId(JUSTIFICATION).label(plainText("Why do you need more time?"))
                        .element(plainTextInput(p -> p.actionId(JUSTIFICATION + "_input").multiline(true)
                                .minLength(Math.min(policy.justification().minLength(), 3000))
                                .maxLength(Math.min(policy.justification().maxLength(), 3000)))))));
        if (stepUp.required(id.get(), StepUpPolicy.Action.EXTEND)) {
            blocks.add(StepUpForms.codeField("Code from your authenticator app"));
        }
        return openForm(req, ctx, id.get(), EXTEND_CALLBACK, "Extend " + id.get(), "Ask", blocks);
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
            ButtonActions.respond(ctx, later.replies().answer("formNotOpenedClickAgain", "error", r.getError()));
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
            return ctx.ack(r -> r.responseAction("errors").errors(Map.of(REASON, later.replies().plainAnswer("formLostGrant"))));
        }
        Outcome outcome = decision.apply(id.get(), user, valueOf(req.getPayload().getView().getState().getValues(),
                REASON));
        if (outcome instanceof Outcome.Done) {
            return ctx.ack();
        }
        return ctx.ack(r -> r.responseAction("errors").errors(Map.of(REASON, words.plain(outcome.reply()))));
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
     * Reveal credentials: the core decides ({@link RevealService}) and shows them through this click's trigger
     * while it is valid; any other answer (not yours, ended, used up, not shown) goes to the clicker only.
     */
    private Response reveal(BlockActionRequest req, ActionContext ctx) {
        String user = req.getPayload().getUser().getId();
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isEmpty()) {
            String text = later.replies().answer("noGrantButton");
            later.run(id, answer -> ButtonActions.respond(ctx, answer), () -> text);
            return ctx.ack();
        }
        Outcome outcome = reveals.reveal(id.get(), user, new SlackCredentialDisplay(ctx.client(),
                req.getPayload().getTriggerId(), later.replies()));
        if (!(outcome instanceof Outcome.Done)) {
            String text = words.mrkdwn(outcome.reply());
            later.run(id, answer -> ButtonActions.respond(ctx, answer), () -> text);
        }
        return ctx.ack();
    }
}

package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.RevealService;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.stepup.StepUpProof;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * The buttons on cards, direct messages and alerts, and the modals they open: Approve, Deny (asks for a
 * reason), Cancel, Break glass now, Reveal credentials, I'm done / Revoke now, Extend (asks for time and a
 * reason), Approve / Deny extension, Mark resolved; plus the request form's submission.
 *
 * <p>Who may do what is decided by the use cases ({@code policy.Permissions}), never here: a click from the wrong
 * person gets the
 * core's refusal, shown only to them. A button value that is not a grant id is answered as such. Where the policy
 * asks for step-up, Approve, Break glass now and Approve extension open {@link StepUpHandler}' code modal instead of
 * acting, and the extend and request forms carry a code field; without a valid code the core refuses anyway.
 */
@Singleton
public class GrantActionsHandler implements BoltRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(GrantActionsHandler.class);

    private final RequestService requests;
    private final AccessService access;
    private final ExtensionService extensions;
    private final RevealService reveals;
    private final Policy policy;
    private final AfterAck later;
    private final StepUpHandler stepUp;
    private final ReplyText words;
    private final FormWords forms;

    public GrantActionsHandler(RequestService requests, AccessService access, ExtensionService extensions,
                               RevealService reveals, Policy policy, AfterAck later, StepUpHandler stepUp,
                               ReplyText words, FormWords forms) {
        this.words = words;
        this.forms = forms;
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
        app.viewSubmission(ReasonForm.Decision.DENY.callback, (req, ctx) -> submitReason(req, ctx, requests::deny));
        app.viewSubmission(ReasonForm.Decision.DENY_EXTENSION.callback,
                (req, ctx) -> submitReason(req, ctx, extensions::denyExtension));
        app.viewSubmission(ExtendForm.CALLBACK, this::submitExtension);
        app.viewSubmission(RequestForm.CALLBACK, this::submitRequest);
    }

    /** The request form: a draft that reads, the code where the target asks for step-up, then the use case. */
    private Response submitRequest(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        String user = req.getPayload().getUser().getId();
        ViewState state = req.getPayload().getView().getState();
        return switch (RequestForm.read(state, forms)) {
            case RequestForm.Submitted.Errors e -> Forms.errors(ctx, e.errors());
            case RequestForm.Submitted.Draft d -> submit(ctx, stepUp.proof(user, state, StepUpPolicy.Action.REQUEST,
                            Optional.empty(), stepUp.requiredForRequest(d.draft().target())),
                    proof -> requests.request(user, d.draft(), proof), RequestForm::blockOf);
        }; // done: the requester hears from the bot directly, with a Cancel button
    }

    /** The extend form: extra time that reads, the code where the policy asks for step-up, then the use case. */
    private Response submitExtension(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        String user = req.getPayload().getUser().getId();
        View form = req.getPayload().getView();
        return switch (ExtendForm.read(form, later.replies())) {
            case ExtendForm.Submitted.Errors e -> Forms.errors(ctx, e.errors());
            case ExtendForm.Submitted.Ask ask -> submit(ctx, stepUp.proof(user, form.getState(),
                            StepUpPolicy.Action.EXTEND, Optional.of(ask.id()),
                            stepUp.required(ask.id(), StepUpPolicy.Action.EXTEND)),
                    proof -> extensions.requestExtension(ask.id(), user, ask.more(), ask.justification(), proof),
                    ExtendForm::blockOf);
        };
    }

    /**
     * A form's use case with the proof its code field gave: a refused code, or a refusal of the use case, keeps the
     * form open with the message beside the field at fault ({@code blockOf}); anything else closes it.
     */
    private Response submit(ViewSubmissionContext ctx, StepUpHandler.Proof code,
                            java.util.function.Function<Optional<StepUpProof>, Outcome> useCase,
                            java.util.function.Function<Optional<Outcome.Field>, String> blockOf) {
        return switch (code) {
            case StepUpHandler.Proof.Refused no -> Forms.error(ctx, StepUpHandler.CODE, no.message());
            case StepUpHandler.Proof.Given given -> useCase.apply(given.proof()) instanceof Outcome.Refused refused
                    ? Forms.error(ctx, blockOf.apply(refused.field()), words.plain(refused.reply()))
                    : ctx.ack();
        };
    }

    /**
     * What a click does: one use case, or the form that asks for what the use case needs (a reason, more time).
     * Exhaustive: a new button does not compile until it is answered here.
     */
    private Response clicked(Button button, BlockActionRequest req, ActionContext ctx)
            throws IOException, SlackApiException {
        return switch (button) {
            case APPROVE -> guarded(req, ctx, StepUpHandler.Guarded.APPROVE, requests::approve);
            case DENY -> openReasonForm(req, ctx, ReasonForm.Decision.DENY);
            case CANCEL -> ButtonActions.decide(req, ctx, later, words, requests::cancel);
            case BREAK_GLASS -> guarded(req, ctx, StepUpHandler.Guarded.BREAK_GLASS, requests::breakGlass);
            case REVEAL -> reveal(req, ctx);
            case DONE -> ButtonActions.decide(req, ctx, later, words,
                    (id, user) -> access.revoke(id, user, Optional.empty()));
            case EXTEND -> openExtendForm(req, ctx);
            case APPROVE_EXTENSION -> guarded(req, ctx, StepUpHandler.Guarded.APPROVE_EXTENSION,
                    extensions::approveExtension);
            case DENY_EXTENSION -> openReasonForm(req, ctx, ReasonForm.Decision.DENY_EXTENSION);
            case RESOLVE -> ButtonActions.decide(req, ctx, later, words,
                    (id, user) -> access.resolveRevocation(id, user, "marked resolved in Slack"));
        };
    }

    /**
     * A button whose action step-up may guard: where the policy asks for it, the code modal opens and nothing else
     * happens; otherwise the use case runs as for any click.
     */
    private Response guarded(BlockActionRequest req, ActionContext ctx, StepUpHandler.Guarded action,
                             java.util.function.BiFunction<GrantId, String, Outcome> useCase) {
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isPresent() && stepUp.required(id.get(), action.action)) {
            return stepUp.askForCode(req, ctx, id.get(), action);
        }
        return ButtonActions.decide(req, ctx, later, words, useCase);
    }

    /** A modal asking why (deny a request, deny an extension); the decision is made on submit. */
    private Response openReasonForm(BlockActionRequest req, ActionContext ctx, ReasonForm.Decision decision)
            throws IOException, SlackApiException {
        return openForm(req, ctx, id -> ReasonForm.build(decision, id, forms));
    }

    /** The requester's Extend button: a modal for the extra time and a new justification. */
    private Response openExtendForm(BlockActionRequest req, ActionContext ctx) throws IOException, SlackApiException {
        return openForm(req, ctx, id -> ExtendForm.build(id, policy.justification(),
                stepUp.required(id, StepUpPolicy.Action.EXTEND), forms));
    }

    /** Opens the form a button asks for, about the grant the button names; a failure is told to the clicker only. */
    private Response openForm(BlockActionRequest req, ActionContext ctx,
                              java.util.function.Function<GrantId, View> form) throws IOException, SlackApiException {
        Optional<GrantId> id = ButtonActions.grantOf(req);
        if (id.isEmpty()) {
            ButtonActions.respond(ctx, later.replies().answer("noGrantButton"));
            return ctx.ack();
        }
        View view = form.apply(id.get());
        var r = ctx.client().viewsOpen(b -> b.triggerId(req.getPayload().getTriggerId()).view(view));
        if (!r.isOk()) {
            LOG.warn("Opening {} for {} failed: {}", view.getCallbackId(), id.get(), r.getError());
            ButtonActions.respond(ctx, later.replies().answer("formNotOpenedClickAgain", "error", r.getError()));
        }
        return ctx.ack();
    }

    /** A reason form was submitted: run the decision; a refusal shows on the form, which stays open. */
    private Response submitReason(ViewSubmissionRequest req, ViewSubmissionContext ctx, TriFunction decision) {
        String user = req.getPayload().getUser().getId();
        Optional<GrantId> id = GrantId.parse(req.getPayload().getView().getPrivateMetadata());
        if (id.isEmpty()) {
            return Forms.error(ctx, ReasonForm.REASON, later.replies().plainAnswer("formLostGrant"));
        }
        Outcome outcome = decision.apply(id.get(), user, Forms.text(req.getPayload().getView().getState(),
                ReasonForm.REASON));
        return outcome instanceof Outcome.Done ? ctx.ack()
                : Forms.error(ctx, ReasonForm.REASON, words.plain(outcome.reply()));
    }

    /** A decision with a reason. */
    @FunctionalInterface
    private interface TriFunction {
        Outcome apply(GrantId id, String user, String reason);
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
                req.getPayload().getTriggerId(), later.replies(), forms));
        if (!(outcome instanceof Outcome.Done)) {
            String text = words.mrkdwn(outcome.reply());
            later.run(id, answer -> ButtonActions.respond(ctx, answer), () -> text);
        }
        return ctx.ack();
    }
}

package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.MethodsClient;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.stepup.StepUpQr;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.QueryService;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.Outcome;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.port.StepUp;
import dev.breakglass.stepup.StepUpProof;
import dev.breakglass.stepup.StepUpService;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.image;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;

/**
 * Step-up in Slack: the small code modal that Approve, Break glass now and Approve extension open where the policy
 * asks for step-up (the action counts only when that modal is submitted with a valid code: the click itself changes
 * nothing), the code field of the request and extend forms, and the enrolment modal of {@code /breakglass mfa enroll}.
 *
 * <p>The enrolment modal is the one Web API call that carries the secret (the {@code otpauth://} link, and the QR
 * image URL, which is sealed and works only until the enrolment is confirmed). Codes are never logged or echoed.
 */
@Singleton
public class StepUpHandler implements BoltRegistration {
    static final String CODE_CALLBACK = "bg_step_up";
    static final String ENROL_CALLBACK = "bg_step_up_enrol";
    /** The block id of every code field, in every form. */
    public static final String CODE = "step_up_code";
    private static final Logger LOG = LoggerFactory.getLogger(StepUpHandler.class);

    private final StepUpService stepUps;
    private final QueryService queries;
    private final RequestService requests;
    private final ExtensionService extensions;
    private final Policy policy;
    private final StepUpQr qr;

    private final ReplyText words;

    private final CommandReplies replies;
    private final FormWords forms;

    public StepUpHandler(StepUpService stepUps, QueryService queries, RequestService requests,
                       ExtensionService extensions, Policy policy, StepUpQr qr, ReplyText words,
                       CommandReplies replies, FormWords forms) {
        this.words = words;
        this.forms = forms;
        this.replies = replies;
        this.stepUps = stepUps;
        this.queries = queries;
        this.requests = requests;
        this.extensions = extensions;
        this.policy = policy;
        this.qr = qr;
    }

    /** The actions on an existing grant that a code modal guards, by the name kept in the modal's metadata. */
    enum Guarded {
        APPROVE(StepUpPolicy.Action.APPROVE, "approveVerb"),
        BREAK_GLASS(StepUpPolicy.Action.BREAK_GLASS, "breakGlassVerb"),
        APPROVE_EXTENSION(StepUpPolicy.Action.APPROVE_EXTENSION, "approveExtensionVerb");

        final StepUpPolicy.Action action;
        /** The section of {@code forms.mustache} that names the action (the code modal's button). */
        final String verb;

        Guarded(StepUpPolicy.Action action, String verb) {
            this.action = action;
            this.verb = verb;
        }
    }

    @Override
    public void registerOn(App app) {
        app.viewSubmission(CODE_CALLBACK, this::submitCode);
        app.viewSubmission(ENROL_CALLBACK, this::submitEnrolment);
    }

    /** Whether {@code action} on {@code grant} needs a code from {@code user}. */
    boolean required(GrantId grant, StepUpPolicy.Action action) {
        return queries.find(grant).map(Grant::target).filter(t -> policy.stepUpRequired(t, action)).isPresent();
    }

    /** Whether requesting {@code target} needs a code. */
    boolean requiredForRequest(String target) {
        return policy.stepUpRequired(target, StepUpPolicy.Action.REQUEST);
    }

    /**
     * A click on a guarded button where step-up applies: opens the code modal, or tells a person who is not
     * enrolled how to enrol. Nothing about the grant changes here.
     */
    Response askForCode(BlockActionRequest req, ActionContext ctx, GrantId id, Guarded guarded) {
        String user = req.getPayload().getUser().getId();
        String verb = forms.plain(guarded.verb);
        if (!stepUps.enrolled(user)) {
            ButtonActions.respond(ctx, words.mrkdwn(StepUpService.howToEnrol(verb + " " + id)));
            return ctx.ack();
        }
        View modal = codeModal(guarded, id, forms);
        try {
            var r = ctx.client().viewsOpen(b -> b.triggerId(req.getPayload().getTriggerId()).view(modal));
            if (!r.isOk()) {
                LOG.warn("Opening the step-up modal for {} failed: {}", id, r.getError());
                ButtonActions.respond(ctx, replies.answer("stepUpFormNotOpened", "error", r.getError()));
            }
        } catch (Exception e) {
            LOG.warn("Opening the step-up modal for {} failed: {}", id, e.toString());
            ButtonActions.respond(ctx, replies.answer("stepUpFormNotOpened", "error", ""));
        }
        return ctx.ack();
    }

    /** The modal that asks for a code before {@code guarded} on {@code id} counts. */
    static View codeModal(Guarded guarded, GrantId id, FormWords forms) {
        String verb = forms.plain(guarded.verb);
        return Forms.modal(CODE_CALLBACK, guarded.name() + " " + id, forms.plain("stepUpTitle"), verb,
                forms.plain("back"), List.of(
                        section(s -> s.text(markdownText(forms.mrkdwn("stepUpNeeds", "verb", verb, "id", id)))),
                        codeField(forms.plain("codeLabel"), forms)));
    }

    /** The code input every step-up form uses, labelled {@code label}. */
    static LayoutBlock codeField(String label, FormWords forms) {
        return input(i -> i.blockId(CODE).label(plainText(label))
                .hint(plainText(forms.plain("codeHint")))
                .element(plainTextInput(p -> p.actionId(CODE + Forms.INPUT).minLength(1).maxLength(20))));
    }

    /**
     * The proof the code field of a submitted form gives for {@code action}: none needed when the policy does not
     * ask ({@code required} false: the code field is ignored), else the code checked now.
     *
     * @return the proof to hand to the use case, or the message for the code field
     */
    Proof proof(String user, ViewState state, StepUpPolicy.Action action, Optional<GrantId> grant, boolean required) {
        if (!required) {
            return new Proof.Given(Optional.empty());
        }
        return switch (stepUps.verify(user, Forms.text(state, CODE), action, grant)) {
            case StepUpService.Verdict.Passed p -> new Proof.Given(Optional.of(p.proof()));
            case StepUpService.Verdict.Refused r -> new Proof.Refused(words.plain(r.reply()));
        };
    }

    /** What {@link #proof} gave. */
    sealed interface Proof {
        /** @param proof empty where the policy asks for no step-up */
        record Given(Optional<StepUpProof> proof) implements Proof {
        }

        record Refused(String message) implements Proof {
        }
    }

    /** The code modal was submitted: check the code, then carry out the action with the proof. */
    private Response submitCode(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        String user = req.getPayload().getUser().getId();
        String[] meta = String.valueOf(req.getPayload().getView().getPrivateMetadata()).split(" ", 2);
        Optional<Guarded> guarded = java.util.Arrays.stream(Guarded.values()).filter(g -> g.name().equals(meta[0]))
                .findFirst();
        Optional<GrantId> id = meta.length < 2 ? Optional.empty() : GrantId.parse(meta[1]);
        if (guarded.isEmpty() || id.isEmpty()) {
            return Forms.error(ctx, CODE, replies.plainAnswer("formLostGrant"));
        }
        Proof proof = proof(user, req.getPayload().getView().getState(), guarded.get().action, id, true);
        if (proof instanceof Proof.Refused refused) {
            return Forms.error(ctx, CODE, refused.message());
        }
        Optional<StepUpProof> passed = ((Proof.Given) proof).proof();
        Outcome outcome = switch (guarded.get()) {
            case APPROVE -> requests.approve(id.get(), user, passed);
            case BREAK_GLASS -> requests.breakGlass(id.get(), user, passed);
            case APPROVE_EXTENSION -> extensions.approveExtension(id.get(), user, passed);
        };
        if (!(outcome instanceof Outcome.Done)) {
            return Forms.error(ctx, CODE, words.plain(outcome.reply()));
        }
        tell(ctx.client(), user, words.mrkdwn(outcome.reply()));
        return ctx.ack();
    }

    /**
     * {@code /breakglass mfa enroll}: the enrolment modal with the {@code otpauth://} link, the QR code (when the bot
     * has a public URL) and the field for the first code.
     *
     * @return the answer for the command: empty when the modal opened
     */
    String openEnrolment(MethodsClient client, String triggerId, String user) {
        StepUpService.Enrolling enrolling = stepUps.enrol(user);
        if (enrolling instanceof StepUpService.Enrolling.Refused refused) {
            return words.mrkdwn(refused.reply());
        }
        StepUp.Enrolment enrolment = ((StepUpService.Enrolling.Started) enrolling).enrolment();
        View modal = enrolmentModal(enrolment, qr.imageUrl(user), forms);
        try {
            var r = client.viewsOpen(b -> b.triggerId(triggerId).view(modal));
            if (!r.isOk()) {
                // never log the view: it holds the secret
                LOG.warn("Slack did not open the step-up enrolment for {}: {}", user, r.getError());
                return replies.answer("enrolmentNotOpened", "error", r.getError());
            }
        } catch (Exception e) {
            LOG.warn("Could not open the step-up enrolment for {}: {}", user, e.getClass().getSimpleName());
            return replies.answer("enrolmentNotOpened", "error", "");
        }
        return "";
    }

    /**
     * The enrolment modal: the adapter's instructions, the QR image (when the bot has a public URL) and the
     * {@code otpauth://} link for a factor that has them, and the field for the first code.
     */
    static View enrolmentModal(StepUp.Enrolment enrolment, Optional<String> qrImage, FormWords forms) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String instructions = enrolment.instructions().isBlank() ? forms.plain("enrolScanCode") : enrolment.instructions();
        blocks.add(section(s -> s.text(plainText(instructions))));
        enrolment.otpauthUri().ifPresent(uri -> {
            qrImage.ifPresent(url -> blocks.add(image(i -> i.imageUrl(url).altText(forms.plain("qrAlt")))));
            blocks.add(section(s -> s.text(markdownText(forms.mrkdwn("enrolByHand", "uri", uri)))));
        });
        blocks.add(codeField(forms.plain("firstCodeLabel"), forms));
        return Forms.modal(ENROL_CALLBACK, null, forms.plain("enrolTitle"), forms.plain("enrolSubmit"),
                forms.plain("cancel"), blocks);
    }

    /** The enrolment modal was submitted with a first code. */
    private Response submitEnrolment(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
        String user = req.getPayload().getUser().getId();
        StepUpService.Verdict verdict = stepUps.confirm(user, Forms.text(req.getPayload().getView().getState(), CODE));
        if (verdict instanceof StepUpService.Verdict.Refused refused) {
            return Forms.error(ctx, CODE, words.plain(refused.reply()));
        }
        tell(ctx.client(), user, replies.answer("stepUpSetUp"));
        return ctx.ack();
    }

    /** A direct message to {@code user}: a modal has no response URL. */
    private static void tell(MethodsClient client, String user, String mrkdwn) {
        try {
            var r = client.chatPostMessage(b -> b.channel(user).text(mrkdwn));
            if (!r.isOk()) {
                LOG.warn("Could not tell {} the outcome of a step-up form: {}", user, r.getError());
            }
        } catch (Exception e) {
            LOG.warn("Could not tell {} the outcome of a step-up form: {}", user, e.toString());
        }
    }
}

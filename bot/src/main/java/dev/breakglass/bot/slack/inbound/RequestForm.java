package dev.breakglass.bot.slack.inbound;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.RequestDraft;
import dev.breakglass.policy.TargetPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * The request modal: one choice of target and role (only what the person may request), the duration (the
 * target's default filled in), an optional incident reference and the justification (Slack enforces the
 * length limits in the form; the policy checks them again on submit). When a target the person may request asks
 * for the requester's step-up, the form has a code field too (optional in Slack: the targets that do not ask for
 * it need no code; the ones that do refuse without it).
 *
 * <p>The one-line {@code /breakglass request …} falls back to this form when its target asks for step-up: the form
 * then opens filled in with what was typed ({@link Prefill}), so nothing is lost.
 */
final class RequestForm {
    static final String CALLBACK = "bg_request";
    static final String TARGET = "target";
    static final String DURATION = "duration";
    static final String INCIDENT = "incident";
    static final String JUSTIFICATION = "justification";
    private static final String INPUT = "_input";
    /** Slack's limits: 100 options in a select, 75 characters of option text, 3000 characters of input. */
    private static final int MAX_OPTIONS = 100;
    private static final int MAX_OPTION_TEXT = 75;
    private static final int MAX_INPUT = 3000;

    private RequestForm() {
    }

    /** What the one-line request typed, to fill the form in with. */
    record Prefill(String choice, Duration duration, String justification) {
    }

    /** The modal for someone who may request {@code targets} (non-empty). */
    static View build(List<TargetPolicy> targets, JustificationRules rules) {
        return build(targets, rules, Optional.empty());
    }

    /**
     * The modal for someone who may request {@code targets} (non-empty), filled in with {@code prefill} when given.
     * A prefill whose target and role are not among the choices starts on the first choice.
     */
    static View build(List<TargetPolicy> targets, JustificationRules rules, Optional<Prefill> prefill) {
        List<OptionObject> choices = new ArrayList<>();
        for (TargetPolicy t : targets) {
            if (t.roles().isEmpty()) {
                choices.add(choice(t, Optional.empty()));
            } else {
                t.roles().forEach(r -> choices.add(choice(t, Optional.of(r))));
            }
        }
        List<OptionObject> options = choices.subList(0, Math.min(MAX_OPTIONS, choices.size()));
        TargetPolicy first = targets.get(0);
        OptionObject initial = prefill.flatMap(p -> options.stream().filter(o -> o.getValue().equals(p.choice()))
                .findFirst()).orElse(options.get(0));
        String initialDuration = prefill.map(p -> DurationText.format(p.duration()))
                .orElse(DurationText.format(first.defaultDuration()));
        List<LayoutBlock> blocks = new ArrayList<>(List.of(
                input(i -> i.blockId(TARGET).label(plainText("Target and role"))
                        .element(staticSelect(s -> s.actionId(TARGET + INPUT).options(options)
                                .initialOption(initial)))),
                input(i -> i.blockId(DURATION).label(plainText("Duration"))
                        .hint(plainText("Like 90s, 30m or 1h30m. Each target has its own maximum."))
                        .element(plainTextInput(p -> p.actionId(DURATION + INPUT)
                                .initialValue(initialDuration).maxLength(20)))),
                input(i -> i.blockId(INCIDENT).label(plainText("Incident")).optional(true)
                        .hint(plainText("Ticket id or link, if there is one."))
                        .element(plainTextInput(p -> p.actionId(INCIDENT + INPUT)
                                .maxLength(RequestService.MAX_INCIDENT_LENGTH)))),
                input(i -> i.blockId(JUSTIFICATION).label(plainText("Justification"))
                        .hint(plainText("What is broken and why you need this access now. Approvers read this."))
                        .element(plainTextInput(p -> p.actionId(JUSTIFICATION + INPUT).multiline(true)
                                .initialValue(prefill.map(Prefill::justification).orElse(null))
                                .minLength(Math.min(rules.minLength(), MAX_INPUT))
                                .maxLength(Math.min(rules.maxLength(), MAX_INPUT)))))));
        if (targets.stream().anyMatch(t -> t.stepUp().requester())) {
            blocks.add(input(i -> i.blockId(StepUpForms.CODE).label(plainText("Step-up code")).optional(true)
                    .hint(plainText("The 6 digits your authenticator app shows for Breakglass. Needed for targets "
                            + "whose policy asks for step-up."))
                    .element(plainTextInput(p -> p.actionId(StepUpForms.CODE + INPUT).maxLength(20)))));
        }
        return view(v -> v.type("modal").callbackId(CALLBACK)
                .title(viewTitle(t -> t.type("plain_text").text("Break glass")))
                .submit(viewSubmit(t -> t.type("plain_text").text("Request")))
                .close(viewClose(t -> t.type("plain_text").text("Cancel")))
                .blocks(blocks));
    }

    private static OptionObject choice(TargetPolicy t, Optional<String> role) {
        String label = t.name() + role.map(r -> " — " + r).orElse("") + " (max " + DurationText.format(t.maxDuration()) + ")";
        String text = label.length() <= MAX_OPTION_TEXT ? label : label.substring(0, MAX_OPTION_TEXT - 1) + "…";
        return option(plainText(text), t.name() + role.map(r -> ":" + r).orElse(""));
    }

    /** What the person submitted, or the form errors (block id → message) that keep the modal open. */
    sealed interface Submitted {
        record Draft(RequestDraft draft) implements Submitted {}

        record Errors(Map<String, String> errors) implements Submitted {}
    }

    static Submitted read(ViewState state) {
        Map<String, Map<String, ViewState.Value>> values = state.getValues();
        String choice = selected(values, TARGET);
        String duration = text(values, DURATION);
        Optional<Duration> parsed = DurationText.parse(duration == null ? "" : duration.strip());
        if (choice == null) {
            return new Submitted.Errors(Map.of(TARGET, "Choose a target."));
        }
        if (parsed.isEmpty()) {
            return new Submitted.Errors(Map.of(DURATION, "Write the duration as " + DurationText.HINT + "."));
        }
        int colon = choice.indexOf(':');
        String target = colon < 0 ? choice : choice.substring(0, colon);
        Optional<String> role = colon < 0 ? Optional.empty() : Optional.of(choice.substring(colon + 1));
        String justification = text(values, JUSTIFICATION);
        return new Submitted.Draft(new RequestDraft(target, role, parsed, justification == null ? "" : justification,
                Optional.ofNullable(text(values, INCIDENT))));
    }

    /** The form field a refusal belongs to. */
    static String blockOf(Optional<Outcome.Field> field) {
        return switch (field.orElse(Outcome.Field.TARGET)) {
            case TARGET, ROLE -> TARGET;
            case DURATION -> DURATION;
            case INCIDENT -> INCIDENT;
            case JUSTIFICATION -> JUSTIFICATION;
            case STEP_UP -> StepUpForms.CODE;
        };
    }

    private static String selected(Map<String, Map<String, ViewState.Value>> values, String block) {
        ViewState.Value v = value(values, block);
        return v == null || v.getSelectedOption() == null ? null : v.getSelectedOption().getValue();
    }

    private static String text(Map<String, Map<String, ViewState.Value>> values, String block) {
        ViewState.Value v = value(values, block);
        return v == null ? null : v.getValue();
    }

    private static ViewState.Value value(Map<String, Map<String, ViewState.Value>> values, String block) {
        Map<String, ViewState.Value> b = values == null ? null : values.get(block);
        return b == null ? null : b.get(block + INPUT);
    }
}

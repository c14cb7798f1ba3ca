package dev.breakglass.bot.slack.inbound;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.grant.RequestService;
import dev.breakglass.grant.Outcome;
import dev.breakglass.grant.RequestDraft;
import dev.breakglass.policy.EmergencyKind;
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

/**
 * The request modal: one choice of target and role (only what the person may request), where the policy defines
 * emergency kinds a required choice of the emergency (only those the person may name on some target they may
 * request; the use case refuses one that does not apply to the chosen target, beside this field), the duration (the
 * target's default filled in), an incident reference (optional here: the kind decides whether it needs one) and the
 * justification (Slack enforces the
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
    static final String KIND = "kind";
    static final String DURATION = "duration";
    static final String INCIDENT = "incident";
    static final String JUSTIFICATION = "justification";
    private static final String INPUT = Forms.INPUT;
    /** Slack's limits: 100 options in a select, 75 characters of option text, 3000 characters of input. */
    private static final int MAX_OPTIONS = 100;
    private static final int MAX_OPTION_TEXT = 75;
    private static final int MAX_INPUT = Forms.MAX_INPUT;

    private RequestForm() {
    }

    /** What the one-line request typed, to fill the form in with. */
    record Prefill(String choice, Duration duration, Optional<String> kind, Optional<String> incident,
                   String justification) {
    }

    /**
     * The modal for someone who may request {@code targets} (non-empty) and name {@code kinds} (empty: the policy
     * defines none, and the form has no emergency field).
     */
    static View build(List<TargetPolicy> targets, List<EmergencyKind> kinds, JustificationRules rules,
                      FormWords words) {
        return build(targets, kinds, rules, Optional.empty(), words);
    }

    /**
     * The modal for someone who may request {@code targets} (non-empty), filled in with {@code prefill} when given.
     * A prefill whose target and role are not among the choices starts on the first choice.
     */
    static View build(List<TargetPolicy> targets, List<EmergencyKind> kinds, JustificationRules rules,
                      Optional<Prefill> prefill, FormWords words) {
        List<OptionObject> choices = new ArrayList<>();
        for (TargetPolicy t : targets) {
            if (t.roles().isEmpty()) {
                choices.add(choice(t, Optional.empty(), words));
            } else {
                t.roles().forEach(r -> choices.add(choice(t, Optional.of(r), words)));
            }
        }
        List<OptionObject> options = choices.subList(0, Math.min(MAX_OPTIONS, choices.size()));
        TargetPolicy first = targets.get(0);
        OptionObject initial = prefill.flatMap(p -> options.stream().filter(o -> o.getValue().equals(p.choice()))
                .findFirst()).orElse(options.get(0));
        String initialDuration = prefill.map(p -> DurationText.format(p.duration()))
                .orElse(DurationText.format(first.defaultDuration()));
        List<LayoutBlock> blocks = new ArrayList<>(List.of(
                input(i -> i.blockId(TARGET).label(plainText(words.plain("targetLabel")))
                        .element(staticSelect(s -> s.actionId(TARGET + INPUT).options(options)
                                .initialOption(initial)))),
                input(i -> i.blockId(DURATION).label(plainText(words.plain("durationLabel")))
                        .hint(plainText(words.plain("durationHint")))
                        .element(plainTextInput(p -> p.actionId(DURATION + INPUT)
                                .initialValue(initialDuration).maxLength(20)))),
                input(i -> i.blockId(INCIDENT).label(plainText(words.plain("incidentLabel"))).optional(true)
                        .hint(plainText(words.plain("incidentHint", "kinds", !kinds.isEmpty())))
                        .element(plainTextInput(p -> p.actionId(INCIDENT + INPUT)
                                .initialValue(prefill.flatMap(Prefill::incident).orElse(null))
                                .maxLength(RequestService.MAX_INCIDENT_LENGTH)))),
                input(i -> i.blockId(JUSTIFICATION).label(plainText(words.plain("justificationLabel")))
                        .hint(plainText(words.plain("justificationHint")))
                        .element(plainTextInput(p -> p.actionId(JUSTIFICATION + INPUT).multiline(true)
                                .initialValue(prefill.map(Prefill::justification).orElse(null))
                                .minLength(Math.min(rules.minLength(), MAX_INPUT))
                                .maxLength(Math.min(rules.maxLength(), MAX_INPUT)))))));
        if (!kinds.isEmpty()) {
            List<OptionObject> kindOptions = kinds.stream().limit(MAX_OPTIONS)
                    .map(k -> option(plainText(cut(k.title())), k.id())).toList();
            Optional<OptionObject> initialKind = prefill.flatMap(Prefill::kind)
                    .flatMap(id -> kindOptions.stream().filter(o -> o.getValue().equals(id)).findFirst());
            blocks.add(1, input(i -> i.blockId(KIND).label(plainText(words.plain("kindLabel")))
                    .hint(plainText(words.plain("kindHint")))
                    .element(staticSelect(s -> s.actionId(KIND + INPUT).options(kindOptions)
                            .initialOption(initialKind.orElse(null))))));
        }
        if (targets.stream().anyMatch(t -> t.stepUp().requester())) {
            blocks.add(input(i -> i.blockId(StepUpHandler.CODE).label(plainText(words.plain("requestCodeLabel")))
                    .optional(true).hint(plainText(words.plain("requestCodeHint")))
                    .element(plainTextInput(p -> p.actionId(StepUpHandler.CODE + INPUT).maxLength(20)))));
        }
        return Forms.modal(CALLBACK, null, words.plain("requestTitle"), words.plain("requestSubmit"),
                words.plain("cancel"), blocks);
    }

    private static OptionObject choice(TargetPolicy t, Optional<String> role, FormWords words) {
        String label = words.plain("targetChoice", "target", t.name(), "role", role.orElse(""),
                "max", DurationText.format(t.maxDuration()));
        return option(plainText(cut(label)), t.name() + role.map(r -> ":" + r).orElse(""));
    }

    /** An option's text within Slack's limit. */
    private static String cut(String label) {
        return label.length() <= MAX_OPTION_TEXT ? label : label.substring(0, MAX_OPTION_TEXT - 1) + "…";
    }

    /** What the person submitted, or the form errors (block id → message) that keep the modal open. */
    sealed interface Submitted {
        record Draft(RequestDraft draft) implements Submitted {}

        record Errors(Map<String, String> errors) implements Submitted {}
    }

    static Submitted read(ViewState state, FormWords words) {
        String choice = Forms.selected(state, TARGET);
        Optional<Duration> parsed = DurationText.parse(Forms.text(state, DURATION).strip());
        if (choice == null) {
            return new Submitted.Errors(Map.of(TARGET, words.plain("chooseTarget")));
        }
        if (parsed.isEmpty()) {
            return new Submitted.Errors(Map.of(DURATION, words.plain("durationFormat", "hint", DurationText.HINT)));
        }
        int colon = choice.indexOf(':');
        String target = colon < 0 ? choice : choice.substring(0, colon);
        Optional<String> role = colon < 0 ? Optional.empty() : Optional.of(choice.substring(colon + 1));
        return new Submitted.Draft(new RequestDraft(target, role, parsed, Forms.text(state, JUSTIFICATION),
                Optional.of(Forms.text(state, INCIDENT)).filter(i -> !i.isEmpty()),
                Optional.ofNullable(Forms.selected(state, KIND))));
    }

    /** The form field a refusal belongs to. */
    static String blockOf(Optional<Outcome.Field> field) {
        return switch (field.orElse(Outcome.Field.TARGET)) {
            case TARGET, ROLE -> TARGET;
            case KIND -> KIND;
            case DURATION -> DURATION;
            case INCIDENT -> INCIDENT;
            case JUSTIFICATION -> JUSTIFICATION;
            case STEP_UP -> StepUpHandler.CODE;
        };
    }
}

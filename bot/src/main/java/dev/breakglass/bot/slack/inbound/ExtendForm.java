package dev.breakglass.bot.slack.inbound;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Outcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;

/**
 * The requester's Extend modal: the extra time and a new justification (Slack enforces the policy's length limits in
 * the form; the core checks them again), plus a code field where the policy asks for step-up to extend. The grant id
 * travels in the modal's private metadata.
 */
final class ExtendForm {
    static final String CALLBACK = "bg_extend_form";
    static final String DURATION = "duration";
    static final String JUSTIFICATION = "justification";

    private ExtendForm() {
    }

    /** The modal for extending {@code id}; {@code code} adds the step-up code field. */
    static View build(GrantId id, JustificationRules rules, boolean code, FormWords words) {
        List<LayoutBlock> blocks = new ArrayList<>(List.of(
                input(i -> i.blockId(DURATION).label(plainText(words.plain("extraTimeLabel")))
                        .hint(plainText(words.plain("extraTimeHint")))
                        .element(plainTextInput(p -> p.actionId(DURATION + Forms.INPUT).maxLength(20)))),
                input(i -> i.blockId(JUSTIFICATION).label(plainText(words.plain("extendWhyLabel")))
                        .element(plainTextInput(p -> p.actionId(JUSTIFICATION + Forms.INPUT).multiline(true)
                                .minLength(Math.min(rules.minLength(), Forms.MAX_INPUT))
                                .maxLength(Math.min(rules.maxLength(), Forms.MAX_INPUT)))))));
        if (code) {
            blocks.add(StepUpHandler.codeField(words.plain("codeLabel"), words));
        }
        return Forms.modal(CALLBACK, id.toString(), words.plain("extendTitle", "id", id),
                words.plain("extendSubmit"), words.plain("back"), blocks);
    }

    /** What the requester asked for, or the form errors (block id → message) that keep the modal open. */
    sealed interface Submitted {
        record Ask(GrantId id, Duration more, String justification) implements Submitted {
        }

        record Errors(Map<String, String> errors) implements Submitted {
        }
    }

    /** The submitted modal: a grant and a duration that parse, or the error on the duration field. */
    static Submitted read(View view, CommandReplies replies) {
        Optional<GrantId> id = GrantId.parse(view.getPrivateMetadata());
        String duration = Forms.text(view.getState(), DURATION);
        Optional<Duration> more = DurationText.parse(duration.strip());
        if (id.isEmpty() || more.isEmpty()) {
            return new Submitted.Errors(Map.of(DURATION, replies.plainAnswer("extraTimeFormat", "hint", DurationText.HINT)));
        }
        return new Submitted.Ask(id.get(), more.get(), Forms.text(view.getState(), JUSTIFICATION));
    }

    /**
     * The field a refusal belongs to: the justification's own, else the duration (always in the form, where a
     * step-up refusal must show too: the code field exists only while the policy asks for it).
     */
    static String blockOf(Optional<Outcome.Field> field) {
        return field.filter(f -> f == Outcome.Field.JUSTIFICATION).isPresent() ? JUSTIFICATION : DURATION;
    }
}

package dev.breakglass.bot.slack.inbound;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;

/**
 * The Write review modal: one required answer per {@link ReviewQuestion} asked about the grant (the kind question
 * only where the request named a kind), each block named by the question's {@link ReviewQuestion#key()}, so an error
 * can be shown next to the answer at fault. Slack enforces the length in the form; the core checks it again on
 * submit.
 */
final class ReviewForm {
    static final String CALLBACK = "bg_review_form";
    private static final String INPUT = Forms.INPUT;

    private ReviewForm() {
    }

    /** The form for the review of {@code g} without an activity summary. */
    static View build(Grant g, FormWords forms) {
        return build(g, forms, "");
    }

    /**
     * The form for the review of {@code g}; its private metadata is the grant id.
     *
     * @param activity the summary of what was done under the grant (bot-built mrkdwn, {@code ActivityView#summary}),
     *                 shown above the question on suspicious activity; empty shows nothing there
     */
    static View build(Grant g, FormWords forms, String activity) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String what = forms.mrkdwn("reviewIntro", "id", g.id(), "target", g.target(), "role", g.role().orElse(""),
                "duration", DurationText.format(g.duration()), "emergency", g.emergency());
        blocks.add(section(s -> s.text(markdownText(what))));
        for (ReviewQuestion q : ReviewQuestion.askedAbout(g)) {
            if (q == ReviewQuestion.CONCERNS && !activity.isEmpty()) {
                String summary = SlackText.fit(forms.mrkdwn("reviewActivity", "id", g.id(), "summary", activity),
                        SlackText.SECTION_LIMIT);
                blocks.add(section(s -> s.text(markdownText(summary))));
            }
            blocks.add(input(i -> i.blockId(q.key()).label(plainText(forms.plain(q.text())))
                    .element(plainTextInput(p -> p.actionId(q.key() + INPUT).multiline(true)
                            .maxLength(Review.MAX_ANSWER_LENGTH)))));
        }
        return Forms.modal(CALLBACK, g.id().toString(), forms.plain("reviewTitle", "id", g.id()),
                forms.plain("reviewSubmit"), forms.plain("back"), blocks);
    }

    /** The answers in a submitted form; a question left empty is missing from the map. */
    static Map<ReviewQuestion, String> read(ViewState state) {
        Map<ReviewQuestion, String> answers = new EnumMap<>(ReviewQuestion.class);
        var values = state == null || state.getValues() == null ? Map.<String, Map<String, ViewState.Value>>of()
                : state.getValues();
        for (ReviewQuestion q : ReviewQuestion.values()) {
            ViewState.Value v = values.getOrDefault(q.key(), Map.of()).get(q.key() + INPUT);
            if (v != null && v.getValue() != null) { // not Forms.text: an empty answer is missing, not ""
                answers.put(q, v.getValue());
            }
        }
        return answers;
    }

    /** Form errors per block: what {@link Review#problems} says of each answer. */
    static Map<String, String> errors(Map<ReviewQuestion, String> answers, FormWords forms) {
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        Review.problems(answers).forEach((q, problem) -> errors.put(q.key(), forms.plain(problem)));
        return errors;
    }

    /** The block where an error about the whole review is shown: the first question's. */
    static String firstBlock() {
        return ReviewQuestion.values()[0].key();
    }
}

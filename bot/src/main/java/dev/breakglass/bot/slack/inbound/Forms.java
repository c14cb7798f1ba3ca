package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;

import java.util.List;
import java.util.Map;

import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * What every modal of the bot shares: its frame (callback, the grant in the private metadata, title and buttons),
 * how a field's value is read back, and the answer that keeps a submitted modal open with errors beside its fields.
 *
 * <p>Edge cases: a field that is missing from the submitted state (an old form, a forged payload) reads as empty
 * text, never null; an input's {@code action_id} is its block id followed by {@link #INPUT}.
 */
final class Forms {
    static final String INPUT = "_input";
    /** Slack's limit on a text input. */
    static final int MAX_INPUT = 3000;

    private Forms() {
    }

    /** A modal with the bot's frame; {@code metadata} (the grant it is about, or null) comes back on submit. */
    static View modal(String callback, String metadata, String title, String submit, String close,
                      List<LayoutBlock> blocks) {
        return view(v -> v.type("modal").callbackId(callback).privateMetadata(metadata)
                .title(viewTitle(t -> t.type("plain_text").text(title)))
                .submit(viewSubmit(t -> t.type("plain_text").text(submit)))
                .close(viewClose(t -> t.type("plain_text").text(close)))
                .blocks(blocks));
    }

    /** The text typed in field {@code block}; empty when there is none. */
    static String text(ViewState state, String block) {
        ViewState.Value v = value(state, block);
        return v == null || v.getValue() == null ? "" : v.getValue();
    }

    /** The option chosen in select {@code block}, or null. */
    static String selected(ViewState state, String block) {
        ViewState.Value v = value(state, block);
        return v == null || v.getSelectedOption() == null ? null : v.getSelectedOption().getValue();
    }

    private static ViewState.Value value(ViewState state, String block) {
        Map<String, Map<String, ViewState.Value>> values = state == null ? null : state.getValues();
        Map<String, ViewState.Value> b = values == null ? null : values.get(block);
        return b == null ? null : b.get(block + INPUT);
    }

    /** Keeps the submitted modal open with {@code errors} (block id → plain text) beside their fields. */
    static Response errors(ViewSubmissionContext ctx, Map<String, String> errors) {
        return ctx.ack(r -> r.responseAction("errors").errors(errors));
    }

    /** {@link #errors} for one field. */
    static Response error(ViewSubmissionContext ctx, String block, String message) {
        return errors(ctx, Map.of(block, message));
    }
}

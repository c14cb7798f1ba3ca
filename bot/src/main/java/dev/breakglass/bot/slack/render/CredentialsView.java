package dev.breakglass.bot.slack.render;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * The Reveal modal: each credential field as its label and its value in a code block, a long value (a
 * kubeconfig, a JSON key) split over several sections that join back to exactly the value, and how many reveals
 * are left, worded by {@code forms.mustache}. A pure function of its input.
 *
 * <p>Limits: every section stays within Slack's {@value SlackText#SECTION_LIMIT} characters after escaping, a
 * value is cut only between characters (never inside a surrogate pair or an escape), preferably after a line
 * break, and the modal holds at most {@value #MAX_BLOCKS} blocks (Slack allows 100 in a modal; 50 keeps us clear
 * of it with room to spare, about 140,000 characters of credentials). What needs more is {@link Fitted.TooLarge}:
 * nothing is cut off silently. An empty value shows as {@code (empty)}; labels longer than
 * {@value #LABEL_LIMIT} characters are shortened (they are the target's names, not secrets).
 */
public final class CredentialsView {
    /** The modal's callback id. */
    public static final String CALLBACK = "bg_credentials";
    /** The most blocks the modal uses. */
    public static final int MAX_BLOCKS = 50;
    static final int LABEL_LIMIT = 100;
    private static final String FENCE = "```";

    private CredentialsView() {
    }

    /** The modal, or why the credentials do not fit one. */
    public sealed interface Fitted {
        record Fits(View view) implements Fitted {}

        /** @param why for the requester, plain text */
        record TooLarge(String why) implements Fitted {}
    }

    /**
     * @param remaining how many more reveals the policy allows
     */
    public static Fitted build(GrantId id, Credentials credentials, int remaining, FormWords words) {
        List<LayoutBlock> blocks = new ArrayList<>();
        boolean split = false;
        for (Map.Entry<String, String> field : credentials.fields().entrySet()) {
            String label = "*" + SlackText.escape(SlackText.oneLine(field.getKey(), LABEL_LIMIT)) + "*\n";
            if (field.getValue().isEmpty()) {
                blocks.add(section(s -> s.text(markdownText(label + words.mrkdwn("credentialsEmpty")))));
                continue;
            }
            // Every piece gets the first one's budget, so the label never pushes a section over the limit.
            List<String> pieces = SlackText.exactPieces(field.getValue(),
                    SlackText.SECTION_LIMIT - label.length() - 2 * FENCE.length());
            split |= pieces.size() > 1;
            for (int i = 0; i < pieces.size(); i++) {
                String text = (i == 0 ? label : "") + FENCE + SlackText.escape(pieces.get(i)) + FENCE;
                blocks.add(section(s -> s.text(markdownText(text))));
            }
        }
        if (split) {
            blocks.add(0, section(s -> s.text(markdownText(words.mrkdwn("credentialsSplit")))));
        }
        blocks.add(section(s -> s.text(markdownText(remaining == 0 ? words.mrkdwn("credentialsLastReveal")
                : words.mrkdwn("credentialsReveals", "remaining", remaining)))));
        if (blocks.size() > MAX_BLOCKS) {
            return new Fitted.TooLarge(words.plain("credentialsTooLarge", "sections", blocks.size(), "max", MAX_BLOCKS));
        }
        return new Fitted.Fits(view(v -> v.type("modal").callbackId(CALLBACK)
                .title(viewTitle(t -> t.type("plain_text").text(words.plain("credentialsTitle", "id", id))))
                .close(viewClose(t -> t.type("plain_text").text(words.plain("credentialsDone"))))
                .blocks(blocks)));
    }
}

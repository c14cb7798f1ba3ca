package dev.breakglass.bot.slack.render;

import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.element.ButtonElement;
import dev.breakglass.grant.Grant;

import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.composition.BlockCompositions.plainText;

/**
 * The buttons on the bot's messages and their confirmation dialogs, worded by {@code buttons.mustache}: one section
 * per label ({@code approve}), and {@code <name>Title} and {@code <name>Text} per dialog. Plain text, as Slack shows
 * a button as typed.
 *
 * <p>Edge cases: a dialog's text is cut to Slack's 300 characters (a long target name could pass it); the dialog's
 * confirm button says what the button said, its deny button says {@code back}.
 */
public final class Buttons {
    /** The template. */
    public static final String TEMPLATE = "buttons";
    private static final int DIALOG_TEXT_LIMIT = 300;
    private static final List<String> LABELS = List.of("approve", "deny", "approveExtension", "denyExtension",
            "revokeNow", "cancel", "breakGlass", "reveal", "extend", "done", "writeReview", "signOff", "resolve", "back");
    private static final List<String> DIALOGS = List.of("approve", "approveExtension", "revokeNow", "cancel",
            "breakGlass", "done", "signOff", "signOffHome", "resolve");

    private final Templates templates;
    private final EmergencyKinds kinds;

    public Buttons(Templates templates, EmergencyKinds kinds) {
        this.templates = templates;
        this.kinds = kinds;
        List<String> sections = new java.util.ArrayList<>(LABELS);
        DIALOGS.forEach(d -> sections.addAll(List.of(d + "Title", d + "Text")));
        templates.check(TEMPLATE, sections, GrantCard.data(Sample.GRANT, templates, kinds).keySet()); // a broken override stops the start
    }

    /** A button naming {@code g} in its value, labelled by section {@code label}; {@code style} may be null. */
    public ButtonElement button(String action, String label, Grant g, String style) {
        return builder(action, label, g, style).build();
    }

    /** {@link #button} asking first, with the dialog of sections {@code <dialog>Title} and {@code <dialog>Text}. */
    public ButtonElement confirmed(String action, String label, String dialog, Grant g, String style) {
        Map<String, Object> data = GrantCard.data(g, templates, kinds);
        return builder(action, label, g, style).confirm(ConfirmationDialogObject.builder()
                .title(plainText(templates.sayPlain(TEMPLATE, dialog + "Title", data)))
                .text(plainText(SlackText.fit(templates.sayPlain(TEMPLATE, dialog + "Text", data), DIALOG_TEXT_LIMIT)))
                .confirm(plainText(label(label))).deny(plainText(label("back"))).build()).build();
    }

    private ButtonElement.ButtonElementBuilder builder(String action, String label, Grant g, String style) {
        return ButtonElement.builder().actionId(action).text(plainText(label(label))).value(g.id().toString())
                .style(style);
    }

    private String label(String label) {
        return templates.sayPlain(TEMPLATE, label, Map.of());
    }

    /** A grant to render the buttons with at start. */
    private static final class Sample {
        static final Grant GRANT = Grant.pending(new dev.breakglass.grant.GrantId(1), new dev.breakglass.grant.NewGrant(
                "U0CHECK", "check", java.util.Optional.of("role"), java.time.Duration.ofMinutes(30), "template check",
                java.util.Optional.of("INC-1"), 1, java.time.Instant.EPOCH));
    }
}

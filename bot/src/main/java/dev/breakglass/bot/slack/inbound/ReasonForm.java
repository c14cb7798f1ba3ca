package dev.breakglass.bot.slack.inbound;

import com.slack.api.model.view.View;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.RequestService;

import java.util.List;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;

/**
 * The modal that asks why before a decision that needs a reason: Deny a request, Deny an extension. The decision is
 * made when it is submitted; the grant id travels in the private metadata.
 */
final class ReasonForm {
    static final String REASON = "reason";

    /** The decisions that ask for a reason, by the callback of their modal and the section of its title. */
    enum Decision {
        DENY("bg_deny_reason", "denyTitle"),
        DENY_EXTENSION("bg_extend_deny_reason", "denyExtensionTitle");

        final String callback;
        final String title;

        Decision(String callback, String title) {
            this.callback = callback;
            this.title = title;
        }
    }

    private ReasonForm() {
    }

    static View build(Decision decision, GrantId id, FormWords words) {
        return Forms.modal(decision.callback, id.toString(), words.plain(decision.title, "id", id),
                words.plain("denySubmit"), words.plain("back"), List.of(
                        input(i -> i.blockId(REASON).label(plainText(words.plain("reasonLabel")))
                                .element(plainTextInput(p -> p.actionId(REASON + Forms.INPUT).multiline(true)
                                        .maxLength(RequestService.MAX_REASON_LENGTH))))));
    }
}

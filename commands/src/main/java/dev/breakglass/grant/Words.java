package dev.breakglass.grant;

import dev.breakglass.command.FreeText;
import dev.breakglass.grant.Outcome.Field;
import java.util.Optional;

/** Small wordings the use cases share: a state in words, optional free text, refusals. */
final class Words {
    private Words() {
    }


    /** Optional free text: stripped, and empty when blank (then no rule applies to it). */
    static Optional<String> optional(Optional<String> text) {
        return text.map(FreeText::strip).filter(s -> !s.isEmpty());
    }

    /** A refusal, naming the form field at fault ({@code null}: none). */
    static Outcome refused(Field field, Reply reply) {
        return new Outcome.Refused(reply, Optional.ofNullable(field));
    }
}

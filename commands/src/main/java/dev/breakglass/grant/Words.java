package dev.breakglass.grant;

import dev.breakglass.command.FreeText;
import dev.breakglass.grant.Outcome.Field;
import java.util.Optional;

/** Small wordings the use cases share: a state in words, a count of approvals, optional free text. */
final class Words {
    private Words() {
    }

    /** A state as a word in a reply: "revoke failed". */
    static String word(GrantState state) {
        return state.name().toLowerCase().replace('_', ' ');
    }

    /** "1 approval", "2 approvals". */
    static String approvals(int n) {
        return n == 1 ? "1 approval" : n + " approvals";
    }

    /** Optional free text: stripped, and empty when blank (then no rule applies to it). */
    /** Optional free text: stripped, and empty when blank (then no rule applies to it). */
    static Optional<String> optional(Optional<String> text) {
        return text.map(FreeText::strip).filter(s -> !s.isEmpty());
    }

    /** A refusal, naming the form field at fault ({@code null}: none). */
    static Outcome refused(Field field, Object... pieces) {
        return new Outcome.Refused(Reply.of(pieces), Optional.ofNullable(field));
    }
}

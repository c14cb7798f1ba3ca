package dev.breakglass.grant;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the core says to a person, as parts: plain text and references to people. The chat side renders text
 * escaped and people as mentions, so user-typed text in a reply can never ping or link.
 */
public record Reply(List<Part> parts) {

    public Reply {
        parts = List.copyOf(parts);
    }

    /** A piece of a reply. */
    public sealed interface Part {
        /** Text shown as written (escaped by the renderer). */
        record Text(String text) implements Part {
            public Text {
                Objects.requireNonNull(text, "text");
            }
        }

        /** A person, by chat user id. */
        record Person(String userId) implements Part {
            public Person {
                Objects.requireNonNull(userId, "userId");
            }
        }
    }

    /** A person part, for {@link #of}. */
    public static Part.Person person(String userId) {
        return new Part.Person(userId);
    }

    /**
     * Strings become text, {@link Part}s stay, a nested {@link Reply} contributes its parts; anything else is its
     * {@code toString()} as text. Empty text parts are dropped.
     */
    public static Reply of(Object... pieces) {
        List<Part> parts = new ArrayList<>();
        for (Object piece : pieces) {
            if (piece instanceof Reply r) {
                parts.addAll(r.parts());
            } else if (piece instanceof Part p) {
                parts.add(p);
            } else if (!String.valueOf(piece).isEmpty()) {
                parts.add(new Part.Text(String.valueOf(piece)));
            }
        }
        return new Reply(parts);
    }

    /** The reply as plain text with people as {@code @id}: for logs and tests. */
    public String plain() {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                out.append(t.text());
            } else if (p instanceof Part.Person person) {
                out.append('@').append(person.userId());
            }
        }
        return out.toString();
    }
}

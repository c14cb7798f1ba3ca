package dev.breakglass.grant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the core says to a person. Either a named message — a {@link #key} and its {@link #arguments}, worded by the
 * chat side from the template the key names — or, for replies not yet moved to templates, the words themselves as
 * {@link #parts}. Both keep text and people apart: the chat side renders text escaped and people as mentions, so
 * user-typed text in a reply can never ping or link. The core never words a named message itself: it stays free of
 * any template engine.
 *
 * <p>A key is {@code area.message} ({@code review.alreadyWritten}); its words are the section {@code message} of the
 * template {@code reply-<area>} ({@code templates/reply-review.mustache}, area in kebab case: {@code stepUp} →
 * {@code reply-step-up}). An argument is a text or a person; an empty text counts as false in a template's section.
 */
public record Reply(List<Part> parts, String key, Map<String, Part> arguments) {
    private static final Pattern KEY = Pattern.compile("[a-z][A-Za-z]*\\.[a-z][A-Za-z]*");
    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z]*");

    public Reply {
        parts = List.copyOf(parts);
        Objects.requireNonNull(key, "key");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        if (!key.isEmpty() && (!KEY.matcher(key).matches() || !parts.isEmpty())) {
            throw new IllegalArgumentException("a named reply has a key like review.alreadyWritten and no parts: " + key);
        }
        if (key.isEmpty() && !arguments.isEmpty()) {
            throw new IllegalArgumentException("only a named reply has arguments");
        }
        arguments.keySet().forEach(name -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("an argument's name is a word like approver, not " + name);
            }
        });
    }

    /** A reply of words, not named (see {@link #of}). */
    public Reply(List<Part> parts) {
        this(parts, "", Map.of());
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

        /** People, in order, by chat user id: a template lists them (jmustache's {@code -first} / {@code -last}). */
        record People(List<String> userIds) implements Part {
            public People {
                userIds = List.copyOf(userIds);
            }
        }

        /**
         * Another named reply, worded where it is used: a phrase shared by several messages (a field's name, a hint
         * on how to write a duration) or a whole message quoted by another (a refusal that gives the problem).
         */
        record Said(Reply reply) implements Part {
            public Said {
                Objects.requireNonNull(reply, "reply");
                if (!reply.isNamed()) {
                    throw new IllegalArgumentException("only a named reply is said inside another");
                }
            }
        }

        /** Named replies, in order, each {@linkplain Said said} in place: a template lists them. */
        record SaidEach(List<Reply> replies) implements Part {
            public SaidEach {
                replies = List.copyOf(replies);
                replies.forEach(Said::new);
            }
        }
    }

    /**
     * Several named replies said in a row, like the choices a refusal offers: the template gets them as a list of
     * their words and joins them (jmustache's {@code -first} / {@code -last}), as it does {@link Part.People}.
     */
    public static Part.SaidEach each(List<Reply> replies) {
        return new Part.SaidEach(replies);
    }

    /** A list of people, for {@link #named}: the template joins them. */
    public static Part.People people(List<String> userIds) {
        return new Part.People(userIds);
    }

    /** A person part, for {@link #of} and {@link #named}. */
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
                if (r.isNamed()) {
                    throw new IllegalArgumentException("a named reply is worded by the chat side, not joined: " + r.key);
                }
                parts.addAll(r.parts());
            } else if (piece instanceof Part p) {
                parts.add(p);
            } else if (!String.valueOf(piece).isEmpty()) {
                parts.add(new Part.Text(String.valueOf(piece)));
            }
        }
        return new Reply(parts);
    }

    /**
     * The message {@code key} with its arguments, given as name, value pairs: a {@link Part} stays, a named
     * {@link Reply} is {@linkplain Part.Said said} in place, a boolean is a flag ("yes" or empty), anything else is its
     * {@code toString()} as text.
     */
    public static Reply named(String key, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Part> arguments = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            arguments.put((String) namesAndValues[i], value instanceof Part p ? p
                    : value instanceof Reply r ? new Part.Said(r)
                    : value instanceof Boolean flag ? new Part.Text(flag ? "yes" : "")
                    : new Part.Text(String.valueOf(value)));
        }
        return new Reply(List.of(), key, arguments);
    }

    /**
     * The word for an enum constant: the message {@code area.<constant in camel case>} without arguments, like
     * {@code state.revokeFailed} for {@code REVOKE_FAILED}.
     */
    public static Reply word(String area, Enum<?> constant) {
        String[] parts = constant.name().toLowerCase(java.util.Locale.ROOT).split("_");
        StringBuilder camel = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            camel.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return named(area + "." + camel);
    }

    /** True when the chat side words this reply from a template. */
    public boolean isNamed() {
        return !key.isEmpty();
    }

    /** The template that words a named reply: {@code reply-<area>}. */
    public String template() {
        String area = key.substring(0, key.indexOf('.'));
        return "reply-" + area.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    /** The section of {@link #template()} that words a named reply. */
    public String section() {
        return key.substring(key.indexOf('.') + 1);
    }

    /**
     * A named reply's template data: each text as {@code text} shows it (escaped for the chat, or as written), each
     * person as {@code person} shows them, each reply said inside this one as {@code said} words it. The values are
     * final: the chat side renders them into the template as they are, so escaping happens here, once, by kind.
     * People and {@link Part.SaidEach} are lists of their renderings; every other value is a string.
     */
    public Map<String, Object> values(Function<String, String> text, Function<String, String> person,
                                      Function<Reply, String> said) {
        Map<String, Object> values = new LinkedHashMap<>();
        arguments.forEach((name, part) -> values.put(name, switch (part) {
            case Part.Text t -> text.apply(t.text());
            case Part.Person p -> person.apply(p.userId());
            case Part.People p -> p.userIds().stream().map(person).toList();
            case Part.Said s -> said.apply(s.reply());
            case Part.SaidEach each -> each.replies().stream().map(said).toList();
        }));
        return values;
    }

    /** This named reply and every reply said inside it, at any depth: what a check of the words must cover. */
    public java.util.stream.Stream<Reply> withSaid() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(this), arguments.values().stream()
                .flatMap(part -> switch (part) {
                    case Part.Said s -> s.reply().withSaid();
                    case Part.SaidEach each -> each.replies().stream().flatMap(Reply::withSaid);
                    default -> java.util.stream.Stream.empty();
                }));
    }

    /**
     * The reply as plain text with people as {@code @id}, for logs; a named reply shows as its key and arguments
     * ({@code review.signedOff {id=BG-7}}), since its words live in the templates.
     */
    public String plain() {
        if (isNamed()) {
            return key + " " + values(Function.identity(), id -> "@" + id, Reply::plain);
        }
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Part.Text t -> out.append(t.text());
                case Part.Person person -> out.append('@').append(person.userId());
                case Part.People people -> out.append(people.userIds().stream().map(id -> "@" + id).toList());
                case Part.Said said -> out.append(said.reply().plain());
                case Part.SaidEach each -> out.append(each.replies().stream().map(Reply::plain).toList());
            }
        }
        return out.toString();
    }
}

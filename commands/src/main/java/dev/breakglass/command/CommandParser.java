package dev.breakglass.command;

import dev.breakglass.command.BreakglassCommand.Audit;
import dev.breakglass.command.BreakglassCommand.Extend;
import dev.breakglass.command.BreakglassCommand.Help;
import dev.breakglass.command.BreakglassCommand.ListGrants;
import dev.breakglass.command.BreakglassCommand.MfaEnroll;
import dev.breakglass.command.BreakglassCommand.MfaReset;
import dev.breakglass.command.BreakglassCommand.MfaStatus;
import dev.breakglass.command.BreakglassCommand.OpenForm;
import dev.breakglass.command.BreakglassCommand.Request;
import dev.breakglass.command.BreakglassCommand.Review;
import dev.breakglass.command.BreakglassCommand.Revoke;
import dev.breakglass.command.BreakglassCommand.Status;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text of a {@code /breakglass} slash command, once, into a {@link BreakglassCommand} or a
 * {@link ParseError}. Stateless and thread-safe; does no I/O.
 *
 * <pre>
 * /breakglass                                         open the request form
 * /breakglass request &lt;target&gt;[:&lt;role&gt;] &lt;duration&gt; [kind:&lt;id&gt;] [incident:&lt;reference&gt;] &lt;justification…&gt;
 * /breakglass list
 * /breakglass status &lt;id&gt;
 * /breakglass revoke &lt;id&gt; [reason…]
 * /breakglass extend &lt;id&gt; &lt;duration&gt; &lt;justification…&gt;
 * /breakglass review &lt;id&gt;
 * /breakglass audit &lt;id&gt;
 * /breakglass help
 * </pre>
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@code parse} never throws and never returns null, whatever the text (null, huge, control characters,
 *       unpaired surrogates).</li>
 *   <li>Null, empty or white-space-only text is {@link OpenForm}.</li>
 *   <li>Tokens are separated by runs of any Unicode white space: spaces, tabs, newlines, non-breaking and other
 *       Unicode spaces ({@code White_Space}); zero-width characters are not separators.</li>
 *   <li>Subcommand keywords are matched ignoring ASCII case ({@code LIST}, {@code Request}); other look-alike
 *       letters (dotless i, long s, Kelvin sign) do not match.</li>
 *   <li>An unknown subcommand is refused, naming the nearest keyword when it is at most two edits away (a swap of
 *       two neighbouring letters counts as one) or a unique prefix ({@code req}); it is never run as a guess.</li>
 *   <li>Targets and roles: see {@link TargetRef}; durations: see {@link DurationText}; ids: see
 *       {@link GrantId#parse} ({@code bg-7} is accepted, {@code BG-07} and {@code BG7} are refused with a
 *       suggestion).</li>
 *   <li>A request's options {@code kind:<id>} (the emergency) and {@code incident:<reference>} may stand anywhere
 *       between the target and the justification, each at most once; the option's name ignores ASCII case, and so
 *       does the kind's id ({@code Kind:Outage} is {@code outage}); the reference is kept as typed. An option with
 *       nothing after its colon is an error, never the start of the justification. Whether the kind exists and the
 *       reference fits it is the use case's to say: the parser does not know the policy.</li>
 *   <li>A justification or reason is the rest of the text after the last fixed argument, without surrounding white
 *       space, otherwise exactly as typed (inner newlines and repeated spaces kept). A justification must satisfy
 *       the {@link JustificationRules} given (code points; longer is refused, never truncated). A revoke reason is
 *       optional and at most {@value #MAX_REASON_LENGTH} code points. Both refuse control characters other than
 *       white space, unpaired surrogates and bidirectional override controls.</li>
 *   <li>Arguments after the last one a subcommand takes ({@code list foo}, {@code status BG-1 extra}) are an
 *       error, never ignored.</li>
 *   <li>Messages are named replies, worded by {@code templates/reply-parse.mustache} (and the problems of one word
 *       or of the free text by {@code reply-duration}, {@code reply-target}, {@code reply-text}); they quote the user
 *       text they repeat, cut to 40 characters with "…", as a text argument that the chat side escapes.
 *       The text is taken as Slack delivers it: decoding Slack's {@code &amp;amp;}, {@code &amp;lt;}, {@code &amp;gt;}
 *       is the caller's job.</li>
 * </ul>
 */
public final class CommandParser {
    /** The longest revoke reason, in code points. */
    public static final int MAX_REASON_LENGTH = FreeText.REVOKE_REASON.maxLength();

    private static final String HELP_FORM = "/breakglass help";
    private static final Usage OPEN_FORM_USAGE = new Usage("open", "/breakglass");

    /** The subcommands, in the order DESIGN.md lists them. */
    private enum Sub {
        REQUEST("request", "<target>[:<role>] <duration> [kind:<id>] [incident:<reference>] <justification…>"),
        LIST("list", ""),
        STATUS("status", "<id>"),
        REVOKE("revoke", "<id> [reason…]"),
        EXTEND("extend", "<id> <duration> <justification…>"),
        REVIEW("review", "<id>"),
        AUDIT("audit", "<id>"),
        MFA("mfa", "enroll|status|reset <user>"),
        HELP("help", "");

        final String keyword;
        final Usage usage;

        Sub(String keyword, String arguments) {
            this.keyword = keyword;
            this.usage = new Usage(keyword, ("/breakglass " + keyword + " " + arguments).strip());
        }

        static Sub named(String word) {
            if (word.length() > 7) {
                return null;
            }
            String lower = asciiLower(word);
            for (Sub sub : values()) {
                if (sub.keyword.equals(lower)) {
                    return sub;
                }
            }
            return null;
        }
    }

    private static final List<Usage> USAGES = List.of(OPEN_FORM_USAGE, Sub.REQUEST.usage, Sub.LIST.usage,
            Sub.STATUS.usage, Sub.REVOKE.usage, Sub.EXTEND.usage, Sub.REVIEW.usage, Sub.AUDIT.usage, Sub.MFA.usage, Sub.HELP.usage);

    /** A person: Slack's escaped mention {@code <@U123|name>} / {@code <@U123>}, or the bare id. */
    private static final Pattern USER = Pattern.compile("<@([UW][A-Z0-9]{1,31})(?:\\|[^>]*)?>|([UW][A-Z0-9]{1,31})");
    private static final Pattern DIGITS_ONLY = Pattern.compile("0*([1-9][0-9]{0,17})");
    private static final Pattern LOOSE_ID = Pattern.compile("(?i)bg[-_.]?0*([1-9][0-9]{0,17})");
    private static final Pattern EDGE_PUNCTUATION = Pattern.compile("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$");

    private final JustificationRules rules;

    /**
     * @param rules the justification length the policy sets ({@link JustificationRules#DEFAULT}: 10 to 3000)
     */
    public CommandParser(JustificationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** Every form and its one-line meaning, in DESIGN.md's order, starting with the bare {@code /breakglass}. */
    public static List<Usage> usages() {
        return USAGES;
    }

    /**
     * Reads Slack's slash-command {@code text} field (what follows {@code /breakglass}).
     *
     * @param text the text as typed; null, empty or white space only opens the form
     * @return a command, or an error saying what was wrong and how to fix it; never null, never throws
     */
    public ParseResult parse(String text) {
        Words words = new Words(text == null ? "" : text);
        String first = words.next();
        if (first == null) {
            return new OpenForm();
        }
        Sub sub = Sub.named(first);
        if (sub == null) {
            return unknown(first, words);
        }
        return switch (sub) {
            case REQUEST -> request(words);
            case LIST -> nothingMore(sub, words, new ListGrants(), null);
            case STATUS -> idOnly(sub, words, Status::new);
            case REVOKE -> revoke(words);
            case EXTEND -> extend(words);
            case REVIEW -> idOnly(sub, words, Review::new);
            case AUDIT -> idOnly(sub, words, Audit::new);
            case MFA -> mfa(words);
            case HELP -> nothingMore(sub, words, new Help(), null);
        };
    }

    private ParseResult request(Words words) {
        String targetWord = words.next();
        if (targetWord == null) {
            return error(Sub.REQUEST, Reply.named("parse.requestEmpty"));
        }
        Optional<TargetRef> target = TargetRef.parse(targetWord);
        if (target.isEmpty()) {
            return error(Sub.REQUEST, TargetRef.problem(targetWord).orElseThrow());
        }
        RequestOptions options = new RequestOptions();
        String durationWord = words.next();
        while (durationWord != null && RequestOptions.isOption(durationWord)) {
            Optional<Reply> problem = options.take(durationWord);
            if (problem.isPresent()) {
                return error(Sub.REQUEST, problem.get());
            }
            durationWord = words.next();
        }
        if (durationWord == null) {
            return error(Sub.REQUEST, Reply.named("parse.requestNoDuration"));
        }
        Optional<Duration> duration = DurationText.parse(durationWord);
        if (duration.isEmpty()) {
            if (DurationText.parse(targetWord).isPresent() && TargetRef.parse(durationWord).isPresent()) {
                return error(Sub.REQUEST, Reply.named("parse.swapped"));
            }
            return error(Sub.REQUEST, durationProblem(durationWord));
        }
        for (String word = words.peek(); word != null && RequestOptions.isOption(word); word = words.peek()) {
            words.next();
            Optional<Reply> problem = options.take(word);
            if (problem.isPresent()) {
                return error(Sub.REQUEST, problem.get());
            }
        }
        String justification = words.rest();
        Optional<Reply> problem = rules.problem(justification);
        if (problem.isPresent()) {
            return error(Sub.REQUEST, problem.get());
        }
        return new Request(target.get(), duration.get(), options.kind, options.incident, justification);
    }

    private ParseResult extend(Words words) {
        String idWord = words.next();
        if (idWord == null) {
            return error(Sub.EXTEND, Reply.named("parse.extendEmpty"));
        }
        Optional<GrantId> id = GrantId.parse(idWord);
        if (id.isEmpty()) {
            return error(Sub.EXTEND, idProblem(idWord));
        }
        String durationWord = words.next();
        if (durationWord == null) {
            return error(Sub.EXTEND, Reply.named("parse.extendNoDuration", "id", id.get()));
        }
        Optional<Duration> duration = DurationText.parse(durationWord);
        if (duration.isEmpty()) {
            return error(Sub.EXTEND, durationProblem(durationWord));
        }
        String justification = words.rest();
        Optional<Reply> problem = rules.problem(justification);
        if (problem.isPresent()) {
            return error(Sub.EXTEND, problem.get());
        }
        return new Extend(id.get(), duration.get(), justification);
    }

    private ParseResult revoke(Words words) {
        String idWord = words.next();
        if (idWord == null) {
            return missingId(Sub.REVOKE);
        }
        Optional<GrantId> id = GrantId.parse(idWord);
        if (id.isEmpty()) {
            return error(Sub.REVOKE, idProblem(idWord));
        }
        String reason = words.rest();
        if (reason.isEmpty()) {
            return new Revoke(id.get(), Optional.empty());
        }
        Optional<Reply> problem = FreeText.REVOKE_REASON.problem(reason);
        if (problem.isPresent()) {
            return error(Sub.REVOKE, problem.get());
        }
        return new Revoke(id.get(), Optional.of(reason));
    }

    /** {@code mfa enroll}, {@code mfa status}, {@code mfa reset <user>} (a mention, or a user id). */
    private ParseResult mfa(Words words) {
        String what = words.next();
        if (what == null) {
            return error(Sub.MFA, Reply.named("parse.mfaEmpty"));
        }
        String rest;
        switch (asciiLower(what)) {
            case "enroll", "enrol" -> {
                rest = words.rest();
                return rest.isEmpty() ? new MfaEnroll()
                        : error(Sub.MFA, Reply.named("parse.mfaEnrollExtra", "extra", Text.quote(rest)));
            }
            case "status" -> {
                rest = words.rest();
                return rest.isEmpty() ? new MfaStatus()
                        : error(Sub.MFA, Reply.named("parse.mfaStatusExtra", "extra", Text.quote(rest)));
            }
            case "reset" -> {
                String who = words.next();
                if (who == null) {
                    return error(Sub.MFA, Reply.named("parse.mfaResetEmpty"));
                }
                Matcher m = USER.matcher(who);
                if (!m.matches()) {
                    return error(Sub.MFA, Reply.named("parse.mfaResetNotPerson", "shown", Text.quote(who)));
                }
                rest = words.rest();
                return rest.isEmpty() ? new MfaReset(m.group(1) != null ? m.group(1) : m.group(2))
                        : error(Sub.MFA, Reply.named("parse.mfaResetExtra", "extra", Text.quote(rest)));
            }
            default -> {
                return error(Sub.MFA, Reply.named("parse.mfaUnknown", "shown", Text.quote(what)));
            }
        }
    }

    private ParseResult idOnly(Sub sub, Words words, Function<GrantId, BreakglassCommand> command) {
        String idWord = words.next();
        if (idWord == null) {
            return missingId(sub);
        }
        Optional<GrantId> id = GrantId.parse(idWord);
        if (id.isEmpty()) {
            return error(sub, idProblem(idWord));
        }
        return nothingMore(sub, words, command.apply(id.get()), id.get());
    }

    /** The command, unless more text follows. */
    private static ParseResult nothingMore(Sub sub, Words words, BreakglassCommand command, GrantId id) {
        String extra = words.rest();
        if (extra.isEmpty()) {
            return command;
        }
        if (id == null) {
            return error(sub, Reply.named("parse.noArguments", "capitalized", capitalized(sub.keyword),
                    "keyword", sub.keyword, "extra", Text.quote(extra)));
        }
        return error(sub, Reply.named("parse.onlyId", "capitalized", capitalized(sub.keyword), "keyword", sub.keyword,
                "extra", Text.quote(extra), "id", id));
    }

    private static ParseError missingId(Sub sub) {
        return error(sub, Reply.named("parse.missingId", "capitalized", capitalized(sub.keyword),
                "keyword", sub.keyword));
    }

    /** Why {@code word} is not a grant id, with the id the user probably meant when there is one. */
    private static Reply idProblem(String word) {
        Optional<GrantId> meant = Optional.empty();
        Matcher digits = DIGITS_ONLY.matcher(word);
        Matcher loose = LOOSE_ID.matcher(word);
        if (digits.matches()) {
            meant = GrantId.parse("BG-" + digits.group(1));
        } else if (loose.matches()) {
            meant = GrantId.parse("BG-" + loose.group(1));
        } else if (word.length() <= 40) {
            String core = EDGE_PUNCTUATION.matcher(word).replaceAll("");
            meant = GrantId.parse(core);
        }
        return Reply.named("parse.notId", "shown", Text.quote(word), "meant", meant.map(GrantId::toString).orElse(""));
    }

    private static Reply durationProblem(String word) {
        return DurationText.problem(word).orElseGet(() -> Reply.named("duration.notDuration",
                "shown", Text.quote(word), "hint", DurationText.hint()));
    }

    private static ParseError unknown(String word, Words words) {
        Optional<Sub> guess = suggestion(word);
        if (guess.isPresent()) {
            Sub sub = guess.get();
            return new ParseError(Reply.named("parse.unknownGuess", "shown", Text.quote(word), "keyword", sub.keyword),
                    sub.usage.form());
        }
        String next = words.next();
        if (TargetRef.parse(word).isPresent() && next != null && DurationText.parse(next).isPresent()) {
            return new ParseError(Reply.named("parse.unknownRequest", "shown", Text.quote(word)),
                    Sub.REQUEST.usage.form());
        }
        return new ParseError(Reply.named("parse.unknown", "shown", Text.quote(word)), HELP_FORM);
    }

    /**
     * The keyword {@code word} was probably meant to be: the nearest one at most two edits away (first in
     * DESIGN.md's order on a tie), else the only one starting with it (two letters at least), else none.
     */
    private static Optional<Sub> suggestion(String word) {
        if (word.equals("?") || word.equals("-h")) {
            return Optional.of(Sub.HELP);
        }
        if (word.length() > 9) {
            return Optional.empty();
        }
        String lower = asciiLower(word);
        Sub best = null;
        int bestDistance = 3;
        for (Sub sub : Sub.values()) {
            int d = EditDistance.between(lower, sub.keyword);
            if (d < bestDistance) {
                best = sub;
                bestDistance = d;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        Sub only = null;
        if (lower.length() >= 2) {
            for (Sub sub : Sub.values()) {
                if (sub.keyword.startsWith(lower)) {
                    if (only != null) {
                        return Optional.empty();
                    }
                    only = sub;
                }
            }
        }
        return Optional.ofNullable(only);
    }

    private static ParseError error(Sub sub, Reply message) {
        return new ParseError(message, sub.usage.form());
    }

    private static String asciiLower(String word) {
        StringBuilder out = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    private static String capitalized(String keyword) {
        return Character.toUpperCase(keyword.charAt(0)) + keyword.substring(1);
    }

    /** A request's {@code kind:} and {@code incident:} options, as they are read. */
    private static final class RequestOptions {
        private static final String KIND = "kind:";
        private static final String INCIDENT = "incident:";
        private Optional<String> kind = Optional.empty();
        private Optional<String> incident = Optional.empty();

        static boolean isOption(String word) {
            return startsWith(word, KIND) || startsWith(word, INCIDENT);
        }

        /** Takes an option word; the problem when its value is empty, bad, or it was given before. */
        Optional<Reply> take(String word) {
            boolean isKind = startsWith(word, KIND);
            String name = isKind ? "kind" : "incident";
            String value = word.substring(isKind ? KIND.length() : INCIDENT.length());
            if (value.isEmpty()) {
                return Optional.of(Reply.named("parse.optionEmpty", "option", name, "kind", isKind));
            }
            if ((isKind ? kind : incident).isPresent()) {
                return Optional.of(Reply.named("parse.optionTwice", "option", name));
            }
            if (isKind) {
                kind = Optional.of(asciiLower(value));
                return Optional.empty();
            }
            Optional<Reply> problem = FreeText.INCIDENT.problem(value);
            incident = Optional.of(value);
            return problem;
        }

        private static boolean startsWith(String word, String prefix) {
            return word.length() >= prefix.length() && asciiLower(word.substring(0, prefix.length())).equals(prefix);
        }
    }

    /** The text as white-space-separated words, read left to right; the rest can be taken as typed. */
    private static final class Words {
        private final String text;
        private final int end;
        private int pos;

        Words(String text) {
            this.text = text;
            int e = text.length();
            while (e > 0) {
                int cp = text.codePointBefore(e);
                if (!Text.isWhitespace(cp)) {
                    break;
                }
                e -= Character.charCount(cp);
            }
            this.end = e;
        }

        /** The next word, or null when only white space is left. */
        String next() {
            skipWhitespace();
            if (pos >= end) {
                return null;
            }
            int start = pos;
            while (pos < end) {
                int cp = text.codePointAt(pos);
                if (Text.isWhitespace(cp)) {
                    break;
                }
                pos += Character.charCount(cp);
            }
            return text.substring(start, pos);
        }

        /** The next word without taking it, or null when only white space is left. */
        String peek() {
            int at = pos;
            String word = next();
            pos = at;
            return word;
        }

        /** Everything left, without surrounding white space, as typed; empty when nothing is left. */
        String rest() {
            skipWhitespace();
            String rest = pos >= end ? "" : text.substring(pos, end);
            pos = end;
            return rest;
        }

        private void skipWhitespace() {
            while (pos < end) {
                int cp = text.codePointAt(pos);
                if (!Text.isWhitespace(cp)) {
                    break;
                }
                pos += Character.charCount(cp);
            }
        }
    }
}

package dev.breakglass.bot.slack.render;

import dev.breakglass.command.BreakglassCommand;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.ParseError;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;

import dev.breakglass.policy.EmergencyKind;
import java.util.List;
import java.util.Map;

/** The ephemeral answers to {@code /breakglass}, rendered from templates; pure functions of their input. */
public final class CommandReplies {
    /** Every template this class renders, compiled at start. */
    public static final List<String> TEMPLATES = List.of("help", "parse-error", "grant-list",
            "grant-status", "audit-timeline");
    /** The answers the bot words itself (not the core's replies), one section each. */
    public static final String ANSWER = "command-answer";
    private static final List<String> ANSWER_FLAGS = List.of("notVisible", "noTarget", "busy", "failed",
            "noGrantButton", "formNotOpened", "formNotOpenedUseCommand", "formNotOpenedClickAgain", "reviewFormNotOpened",
            "stepUpFormNotOpened", "enrolmentNotOpened", "requestNeedsStepUp", "requesting", "requestAgain",
            "stepUpSetUp", "windowNotOpened", "formLostGrant", "reviewFormLostGrant", "extraTimeFormat");
    private static final List<String> ANSWER_VARIABLES = List.of("id", "error", "target", "ref", "duration",
            "options", "justification", "hint");
    /** How many grants {@code /breakglass list} shows before "…and N more". */
    public static final int LIST_SHOWN = 20;
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final Templates templates;
    private final EmergencyKinds kinds;
    private final ReplyText replies;

    public CommandReplies(Templates templates, EmergencyKinds kinds) {
        this.templates = templates;
        this.kinds = kinds;
        this.replies = new ReplyText(templates);
        templates.check(ANSWER, ANSWER_FLAGS, ANSWER_VARIABLES);
    }

    /** Asked about a grant that does not exist or that the user may not see (the two are not told apart). */
    public String notVisible(GrantId id) {
        return templates.say(ANSWER, "notVisible", Map.of("id", id.toString()));
    }

    /** {@code /breakglass} with no target the user may request. */
    public String noTarget() {
        return templates.say(ANSWER, "noTarget", Map.of());
    }

    /** Work after the acknowledgement was refused: too much waiting already. */
    public String busy() {
        return templates.say(ANSWER, "busy", Map.of());
    }

    /** Work after the acknowledgement threw: it may or may not have happened. */
    public String failed(java.util.Optional<GrantId> about) {
        return templates.say(ANSWER, "failed", Map.of("id", about.map(GrantId::toString).orElse("")));
    }

    /**
     * The short answers of the Slack handlers, by their section in {@code command-answer.mustache}; {@code args} are
     * name, value pairs of plain text (escaped here). Sections: {@code noGrantButton}, {@code formNotOpened} and
     * {@code formNotOpenedUseCommand} ({@code error}), {@code formNotOpenedClickAgain}, {@code reviewFormNotOpened},
     * {@code stepUpFormNotOpened}, {@code enrolmentNotOpened} ({@code error}, may be empty), {@code requestNeedsStepUp}
     * ({@code target}), {@code requestAgain} ({@code ref}, {@code duration}, {@code options}: the {@code kind:} and
     * {@code incident:} typed, each followed by a space, or empty; {@code justification}),
     * {@code stepUpSetUp}.
     */
    public String answer(String section, Object... args) {
        return templates.say(ANSWER, section, Templates.vars(args));
    }

    /**
     * {@link #answer} as plain text, for what Slack shows as typed or the core escapes later: a form's error
     * ({@code formLostGrant}, {@code reviewFormLostGrant}, {@code extraTimeFormat} with {@code hint}), the action
     * named in a step-up reply ({@code requesting} with {@code target}), why a window did not open
     * ({@code windowNotOpened} with {@code error}).
     */
    public String plainAnswer(String section, Object... args) {
        return templates.sayPlain(ANSWER, section, Templates.vars(args));
    }

    /**
     * {@code /breakglass help}: each subcommand's form (from the grammar) with what it does (from the template), and
     * the emergency kinds the person may name ({@code kinds}: empty where the policy defines none).
     */
    public String help(List<EmergencyKind> kinds) {
        Map<String, String> forms = new java.util.LinkedHashMap<>();
        CommandParser.usages().forEach(u -> forms.put(u.name(), u.form()));
        List<Map<String, String>> named = kinds.stream().map(k -> Map.of("id", k.id(), "title", k.title(),
                "description", k.description(), "reference", k.reference().orElse(""))).toList();
        return fit(templates.render("help", Map.of("forms", forms, "kinds", named, "hasKinds", !named.isEmpty())));
    }

    /** What was wrong with the typed command (its message is mrkdwn already), and the form it should have had. */
    public String parseError(ParseError error) {
        return fit(templates.render("parse-error", Map.of("message", replies.mrkdwn(error.message()),
                "usage", error.usage())));
    }

    /** {@code /breakglass list}: the open grants the user may see. */
    public String list(List<Grant> grants) {
        // The first LIST_SHOWN, then a count: a reply stays readable (and within Slack's limits) however many.
        List<Grant> shown = grants.subList(0, Math.min(grants.size(), LIST_SHOWN));
        return fit(templates.render("grant-list", Map.of("grants", shown.stream().map(g -> GrantCard.data(g, templates, kinds)).toList(),
                "none", grants.isEmpty(), "more", grants.size() - shown.size(), "hasMore", grants.size() > shown.size())));
    }

    /** {@code /breakglass status <id>}: one grant in full. */
    public String status(Grant grant) {
        return fit(templates.render("grant-status", GrantCard.data(grant, templates, kinds)));
    }

    /**
     * {@code /breakglass audit <id>}: the grant's timeline from the audit log, oldest first.
     *
     * @param entries (time, event, actor id or "system", details) per entry
     */
    public String auditTimeline(String grantId, List<AuditLine> entries) {
        List<Map<String, Object>> lines = entries.stream().map(e -> Map.<String, Object>of(
                "at", STAMP.format(e.at()), "type", e.type(),
                "actor", e.actor().equals("system") ? "system" : ReplyText.mention(e.actor()),
                "details", e.details())).toList();
        return fit(templates.render("audit-timeline", Map.of("id", grantId, "entries", lines,
                "none", entries.isEmpty())));
    }

    /** One audit entry as the timeline shows it; {@code details} is plain text (escaped when rendered). */
    public record AuditLine(java.time.Instant at, String type, String actor, String details) {
    }

    private static String fit(String mrkdwn) {
        return SlackText.fit(mrkdwn, SlackText.SECTION_LIMIT);
    }
}

package dev.breakglass.bot.slack.render;

import dev.breakglass.command.BreakglassCommand;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.ParseError;
import dev.breakglass.grant.Grant;

import java.util.List;
import java.util.Map;

/** The ephemeral answers to {@code /breakglass}, rendered from templates; pure functions of their input. */
public final class CommandReplies {
    /** Every template this class renders, compiled at start. */
    public static final List<String> TEMPLATES = List.of("help", "parse-error", "not-available", "grant-list",
            "grant-status", "audit-timeline");
    /** How many grants {@code /breakglass list} shows before "…and N more". */
    public static final int LIST_SHOWN = 20;
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final Templates templates;

    public CommandReplies(Templates templates) {
        this.templates = templates;
    }

    public String help() {
        return fit(templates.render("help", Map.of("usages", CommandParser.usages())));
    }

    public String parseError(ParseError error) {
        return fit(templates.render("parse-error", Map.of("message", error.message(), "usage", error.usage())));
    }

    /** {@code /breakglass list}: the open grants the user may see. */
    public String list(List<Grant> grants) {
        // The first LIST_SHOWN, then a count: a reply stays readable (and within Slack's limits) however many.
        List<Grant> shown = grants.subList(0, Math.min(grants.size(), LIST_SHOWN));
        return fit(templates.render("grant-list", Map.of("grants", shown.stream().map(GrantCard::data).toList(),
                "none", grants.isEmpty(), "more", grants.size() - shown.size(), "hasMore", grants.size() > shown.size())));
    }

    /** {@code /breakglass status <id>}: one grant in full. */
    public String status(Grant grant) {
        return fit(templates.render("grant-status", GrantCard.data(grant)));
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

    /** For a command this build parses but does not carry out yet. */
    public String notAvailableYet(BreakglassCommand command) {
        return fit(templates.render("not-available", Map.of("command", describe(command))));
    }

    /** The command in a few words; user text (justifications, reasons) is left out on purpose. */
    static String describe(BreakglassCommand command) {
        if (command instanceof BreakglassCommand.Request r) {
            return "request " + r.target() + " for " + DurationText.format(r.duration());
        } else if (command instanceof BreakglassCommand.Status s) {
            return "status " + s.id();
        } else if (command instanceof BreakglassCommand.Revoke r) {
            return "revoke " + r.id();
        } else if (command instanceof BreakglassCommand.Extend e) {
            return "extend " + e.id() + " by " + DurationText.format(e.duration());
        } else if (command instanceof BreakglassCommand.Review r) {
            return "review " + r.id();
        } else if (command instanceof BreakglassCommand.Audit a) {
            return "audit " + a.id();
        } else if (command instanceof BreakglassCommand.MfaEnroll) {
            return "mfa enroll";
        } else if (command instanceof BreakglassCommand.MfaStatus) {
            return "mfa status";
        } else if (command instanceof BreakglassCommand.MfaReset) {
            return "mfa reset";
        } else if (command instanceof BreakglassCommand.ListGrants) {
            return "list";
        } else if (command instanceof BreakglassCommand.OpenForm) {
            return "/breakglass (the request form)";
        }
        return "help";
    }

    private static String fit(String mrkdwn) {
        return SlackText.fit(mrkdwn, SlackText.SECTION_LIMIT);
    }
}

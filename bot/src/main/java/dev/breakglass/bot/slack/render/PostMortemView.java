package dev.breakglass.bot.slack.render;

import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.audit.AuditEntry;
import dev.breakglass.bot.adapter.MeteredTarget;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.PostMortem;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * The post-mortem thread under the request card: the opening message (template {@code post-mortem}: what was
 * granted, the timeline read from the audit log, the revocation latency, the five questions and where the
 * review stands) and the written review (template {@code review}).
 *
 * <p>The timeline says in words what each audit entry records, in order; entries that are bookkeeping rather
 * than the story (adapter calls, the post-mortem's own reminders) are left out, except a revoke call that reported
 * objects the grant's login left behind (a table, a function): those are named with what was done to them. Revocation latency is how long
 * removal took: for an expiry, from the end of the window to the confirmed removal; for an early revoke, from
 * the first revoke call to the confirmed removal; none when a person confirmed the removal by hand.
 *
 * <p>Edge cases: every user-typed value (justification, reasons, errors, answers) is escaped; the opening
 * message is split into several sections when longer than one may hold; times are UTC, with the date when it
 * differs from the request's.
 */
public final class PostMortemView {
    /** Action ids of the thread's buttons. */
    public static final String WRITE_REVIEW = "bg_write_review";
    public static final String SIGN_OFF = "bg_sign_off";
    /** Templates this class renders, compiled at start. */
    public static final List<String> TEMPLATES = List.of("post-mortem", "review", "review-signed-off",
            "post-mortem-timeline");
    /** At most this many sections in the opening message (Slack allows 50 blocks). */
    static final int MAX_SECTIONS = 20;
    private static final int DETAIL_LIMIT = 300;
    /** Left-behind objects named in the timeline; the audit entry lists them all. */
    static final int LEFT_BEHIND_SHOWN = 10;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATED = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final Templates templates;
    private final EmergencyKinds kinds;
    private final ReplyText replies;

    private final Buttons buttons;

    public PostMortemView(Templates templates, EmergencyKinds kinds) {
        this.templates = templates;
        this.kinds = kinds;
        this.replies = new ReplyText(templates);
        this.buttons = new Buttons(templates, kinds);
        templates.check(TIMELINE, TIMELINE_SECTIONS, TIMELINE_VARIABLES); // a broken override stops the start
    }

    /**
     * What the opening message needs beyond the grant and its audit entries.
     *
     * @param required    whether the review is required (reminders run until it is written)
     * @param remindEvery the policy's reminder interval
     * @param signers     who signs off (worded by {@code reply-permission}: "a reviewer of orders-db")
     * @param activity    the summary of what was done under the grant, bot-built mrkdwn from
     *                    {@link ActivityView#summary}; empty when nothing was recorded
     */
    public record Context(boolean required, Duration remindEvery, dev.breakglass.grant.Reply signers, String activity) {
        /** Without activity. */
        public Context(boolean required, Duration remindEvery, dev.breakglass.grant.Reply signers) {
            this(required, remindEvery, signers, "");
        }
    }

    /** The opening message's mrkdwn (template {@code post-mortem}), before it is split into sections. */
    public String text(Grant g, List<AuditEntry> entries, Context context) {
        return templates.render("post-mortem", data(g, entries, context)).strip();
    }

    /** The opening message: its text in sections, then Write review or Sign off while either is still to do. */
    public List<LayoutBlock> opening(Grant g, List<AuditEntry> entries, Context context) {
        List<LayoutBlock> blocks = sections(text(g, entries, context));
        PostMortem pm = g.postMortem();
        if (pm.review().isEmpty() && g.awaitsReview()) {
            blocks.add(actions(a -> a.blockId("bg_postmortem_" + g.id().value()).elements(List.of(
                    buttons.button(WRITE_REVIEW, "writeReview", g, "primary")))));
        } else if (pm.signOff().isEmpty() && g.awaitsReview()) {
            blocks.add(actions(a -> a.blockId("bg_postmortem_" + g.id().value()).elements(List.of(
                    buttons.confirmed(SIGN_OFF, "signOff", "signOff", g, "primary")))));
        }
        return blocks;
    }

    /** Plain-text fallback of the opening message. */
    public String openingText(Grant g) {
        return templates.sayPlain("fallback-text", "postMortem", GrantCard.data(g, templates, kinds));
    }

    /**
     * The written review as a thread reply, in sections.
     *
     * @throws IllegalArgumentException when the grant has no written review
     */
    public List<LayoutBlock> review(Grant g) {
        return sections(reviewText(g));
    }

    /** Long mrkdwn as sections, split at line ends, at most {@link #MAX_SECTIONS} (also the activity feed's). */
    static List<LayoutBlock> sections(String mrkdwn) {
        List<String> pieces = SlackText.pieces(mrkdwn, SlackText.SECTION_LIMIT);
        List<LayoutBlock> blocks = new ArrayList<>();
        for (String piece : pieces.subList(0, Math.min(pieces.size(), MAX_SECTIONS))) {
            blocks.add(section(s -> s.text(markdownText(piece))));
        }
        return blocks;
    }

    /**
     * The written review's mrkdwn (template {@code review}), before it is split into sections.
     *
     * @throws IllegalArgumentException when the grant has no written review
     */
    /** Plain-text fallback of the written review's reply. */
    public String reviewFallback(Grant g) {
        return templates.sayPlain("fallback-text", "review", GrantCard.data(g, templates, kinds));
    }

    /** The short reply in the thread once the review is signed off by {@code by}. */
    public String signedOffNote(Grant g, String by) {
        return templates.render("review-signed-off", Map.of("by", ReplyText.mention(by), "id", g.id().toString()))
                .strip();
    }

    public String reviewText(Grant g) {
        Review r = g.postMortem().review().orElseThrow(() -> new IllegalArgumentException(g.id() + " has no review"));
        Map<String, Object> d = new HashMap<>();
        d.put("id", g.id().toString());
        d.put("author", ReplyText.mention(r.author()));
        d.put("writtenAt", at(r.writtenAt(), g.requestedAt()));
        List<Map<String, Object>> answers = new ArrayList<>();
        r.answers().forEach((q, a) -> answers.add(Map.of("question", replies.mrkdwn(q.text()), "answer", SlackText.quote(a))));
        d.put("answers", answers);
        return templates.render("review", d).strip();
    }

    /** The variables of post-mortem.mustache (see templates/README.md). */
    Map<String, Object> data(Grant g, List<AuditEntry> entries, Context context) {
        Map<String, Object> d = GrantCard.data(g, templates, kinds);
        Instant day = g.requestedAt();
        d.put("date", DAY.format(day));
        d.put("justification", SlackText.quote(g.justification()));
        d.put("began", g.activatedAt().map(t -> at(t, day)).orElse(""));
        d.put("ended", g.revocation().endedAt().map(t -> at(t, day)).orElse(""));
        d.put("used", g.activatedAt().flatMap(a -> g.revocation().endedAt().map(e -> Duration.between(a, e)))
                .map(PostMortemView::span).orElse(""));
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (AuditEntry e : entries) {
            sentence(e).ifPresent(what -> timeline.add(Map.of("at", at(e.at(), day), "what", what)));
        }
        d.put("timeline", timeline);
        Optional<Latency> latency = latency(g, entries);
        d.put("latency", latency.map(l -> span(l.took())).orElse(""));
        d.put("latencyMeaning", latency.map(l -> templates.say(TIMELINE, l.meaning(), Map.of())).orElse(""));
        int extensions = (int) entries.stream().filter(e -> e.type().equals("Extended")).count();
        d.put("extensions", extensions == 0 ? "" : extensions); // 0 would count as true in a section
        List<Map<String, Object>> questions = new ArrayList<>();
        List<ReviewQuestion> asked = ReviewQuestion.askedAbout(g);
        for (int i = 0; i < asked.size(); i++) {
            questions.add(Map.of("number", i + 1, "text", replies.mrkdwn(asked.get(i).text())));
        }
        d.put("questions", questions);
        d.put("required", context.required());
        d.put("remindEvery", DurationText.format(context.remindEvery()));
        d.put("signers", replies.plain(context.signers()));
        d.put("activity", context.activity());
        PostMortem pm = g.postMortem();
        d.put("written", pm.review().isPresent());
        d.put("writtenAt", pm.review().map(r -> at(r.writtenAt(), day)).orElse(""));
        d.put("signedOff", pm.signOff().isPresent());
        d.put("signedOffBy", pm.signOff().map(s -> ReplyText.mention(s.by())).orElse(""));
        d.put("signedOffAt", pm.signOff().map(s -> at(s.at(), day)).orElse(""));
        d.put("reminders", pm.reminders());
        return d;
    }

    /** The template of the timeline's sentences, one section per kind of audit entry. */
    public static final String TIMELINE = "post-mortem-timeline";
    private static final List<String> TIMELINE_SECTIONS = List.of("bot", "requested", "approved", "emergencyOffered",
            "glassBroken", "activated", "provisioningFailed", "credentialsRevealed", "rolledBack", "expiryWarned",
            "extensionRequested", "extensionApprovalRecorded", "extended", "extensionDenied", "extensionFailed",
            "revocationFailed", "revocationRecovered", "expired", "revoked", "revocationResolved", "leftBehind",
            "stepUpVerified", "stepUpFailed", "stepUpLockedOut", "stepUpEnrolled", "stepUpReset", "latencyExpired",
            "latencyRevoked");
    private static final List<String> TIMELINE_VARIABLES = List.of("who", "target", "role", "duration", "incident",
            "until", "credentials", "error", "extra", "justification", "reason", "attempt", "attempts", "note",
            "action", "failure", "failures", "user", "count", "shown", "more");

    /**
     * One audit entry in words (section of {@link #TIMELINE}; bot-written mrkdwn, user text escaped); empty for
     * bookkeeping entries. A missing detail shows as "?", an optional one is left out.
     */
    Optional<String> sentence(AuditEntry e) {
        String who = AuditEntry.SYSTEM.equals(e.actor()) ? templates.say(TIMELINE, "bot", Map.of())
                : ReplyText.mention(e.actor());
        Map<String, Object> d = e.details();
        return switch (e.type()) {
            case "Requested" -> say("requested", who, "target", text(d, "target"), "role", optional(d, "role"),
                    "duration", text(d, "duration"), "incident", optional(d, "incident"));
            case "ApprovalRecorded", "Approved" -> say("approved", who);
            case "EmergencyOffered" -> say("emergencyOffered", who);
            case "GlassBroken" -> say("glassBroken", who);
            case "Activated" -> say("activated", who, "until", time(d, "expires_at"), "credentials",
                    Boolean.TRUE.equals(d.get("credentials_issued")));
            case "ProvisioningFailed" -> say("provisioningFailed", who, "error", text(d, "error"));
            case "CredentialsRevealed" -> say("credentialsRevealed", who);
            case "RolledBack" -> say("rolledBack", who, "error", text(d, "error"));
            case "ExpiryWarned" -> say("expiryWarned", who);
            case "ExtensionRequested" -> say("extensionRequested", who, "extra", text(d, "extra"), "justification",
                    text(d, "justification"));
            case "ExtensionApprovalRecorded" -> say("extensionApprovalRecorded", who);
            case "Extended" -> say("extended", who, "extra", text(d, "extra"), "until", time(d, "expires_at"));
            case "ExtensionDenied" -> say("extensionDenied", who, "reason", text(d, "reason"));
            case "ExtensionFailed" -> say("extensionFailed", who, "error", text(d, "error"));
            case "RevocationFailed" -> say("revocationFailed", who, "attempt", text(d, "attempt"), "error",
                    text(d, "error"));
            case "RevocationRecovered" -> say("revocationRecovered", who, "attempts", text(d, "attempts"));
            case "Expired" -> say("expired", who);
            case "Revoked" -> say("revoked", who, "reason", optional(d, "reason"));
            case "RevocationResolved" -> say("revocationResolved", who, "note", optional(d, "note"));
            case "TargetCall" -> leftBehind(d);
            case "StepUpVerified" -> say("stepUpVerified", who, "action", text(d, "action"));
            case "StepUpFailed" -> say("stepUpFailed", who, "failure", text(d, "failure"), "failures",
                    text(d, "failures"));
            case "StepUpLockedOut" -> say("stepUpLockedOut", who, "until", text(d, "until"));
            case "StepUpEnrolled" -> say("stepUpEnrolled", who);
            case "StepUpReset" -> say("stepUpReset", who, "user", ReplyText.mention(text(d, "user")));
            default -> Optional.empty();
        };
    }

    private Optional<String> say(String section, String who, Object... args) {
        Map<String, Object> data = Templates.vars(args);
        data.put("who", who);
        return Optional.of(templates.say(TIMELINE, section, data));
    }

    /**
     * A revoke call that reported objects the grant's login left behind, in words: the first
     * {@link #LEFT_BEHIND_SHOWN} with what was done to each, then how many more the audit log lists. Empty for any
     * other adapter call (bookkeeping).
     */
    private Optional<String> leftBehind(Map<String, Object> d) {
        if (!"revoke".equals(d.get("action")) || !(d.get(MeteredTarget.LEFT_BEHIND) instanceof String listed)
                || listed.isBlank()) {
            return Optional.empty();
        }
        List<String> lines = listed.lines().toList();
        long count = d.get(MeteredTarget.LEFT_BEHIND_COUNT) instanceof Number n ? n.longValue() : lines.size();
        List<String> shown = new ArrayList<>();
        for (String line : lines.subList(0, Math.min(lines.size(), LEFT_BEHIND_SHOWN))) {
            shown.add(SlackText.escape(SlackText.oneLine(line, DETAIL_LIMIT)));
        }
        long more = count - shown.size();
        return Optional.of(templates.say(TIMELINE, "leftBehind", Map.of("count", count, "shown",
                String.join("; ", shown), "more", more > 0 ? more : "")));
    }

    /** How long removal took, and what the figure measures (a section of {@link #TIMELINE}). */
    record Latency(Duration took, String meaning) {
    }

    static Optional<Latency> latency(Grant g, List<AuditEntry> entries) {
        Optional<AuditEntry> end = entries.stream().filter(e -> e.type().equals("Expired")
                || e.type().equals("Revoked") || e.type().equals("RevocationResolved")).reduce((a, b) -> b);
        if (end.isEmpty()) {
            return Optional.empty();
        }
        if (end.get().type().equals("Expired")) {
            return g.expiresAt().map(t -> new Latency(nonNegative(Duration.between(t, end.get().at())),
                    "latencyExpired"));
        }
        if (end.get().type().equals("Revoked")) {
            return entries.stream().filter(e -> e.type().equals("TargetCall") && "revoke".equals(e.details().get("action")))
                    .findFirst().map(call -> {
                        Instant start = call.at().minusMillis(number(call.details().get("ms")));
                        return new Latency(nonNegative(Duration.between(start, end.get().at())),
                                "latencyRevoked");
                    });
        }
        return Optional.empty();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** A span people read: tenths of a second under a minute, else the duration syntax. */
    static String span(Duration d) {
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            long tenths = (d.toMillis() + 50) / 100;
            return tenths / 10 + "." + tenths % 10 + "s";
        }
        return DurationText.format(d.withNanos(0));
    }

    private static String at(Instant t, Instant day) {
        LocalDate a = LocalDate.ofInstant(t, ZoneOffset.UTC);
        LocalDate b = LocalDate.ofInstant(day, ZoneOffset.UTC);
        return a.equals(b) ? CLOCK.format(t) : DATED.format(t);
    }

    /** A detail as one line of plain text (the template escapes it); "?" when missing. */
    private static String text(Map<String, Object> d, String key) {
        Object v = d.get(key);
        return v == null ? "?" : SlackText.oneLine(v.toString(), DETAIL_LIMIT);
    }

    /** An optional detail as one line of plain text; empty (a closed section) when missing or blank. */
    private static String optional(Map<String, Object> d, String key) {
        Object v = d.get(key);
        return v == null || v.toString().isBlank() ? "" : SlackText.oneLine(v.toString(), DETAIL_LIMIT);
    }

    /** An optional instant as the timeline's clock time; empty when missing. */
    private static String time(Map<String, Object> d, String key) {
        Object v = d.get(key);
        return v == null || v.toString().isBlank() ? "" : timeOf(v.toString());
    }

    private static String timeOf(String instant) {
        try {
            return CLOCK.format(Instant.parse(instant));
        } catch (java.time.format.DateTimeParseException e) {
            return instant; // shown as written (the template escapes it)
        }
    }

}

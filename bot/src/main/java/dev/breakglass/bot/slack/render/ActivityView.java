package dev.breakglass.bot.slack.render;

import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.activity.Completeness;
import dev.breakglass.grant.Grant;
import dev.breakglass.port.ActivityLog.Recorded;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;


/**
 * Activity under a grant in words (template {@value #TEMPLATE}): the live feed's message in the grant's thread and
 * the alert for flagged lines.
 *
 * <p>Edge cases: a message shows at most {@code shown} lines, the oldest first, and then every flagged line among the
 * rest (up to {@code shown} more), so a flag is never hidden behind "…and N more"; what is not shown is counted, and
 * stays in the store, the export and the post-mortem. A detail is one line of at most {@value #DETAIL_LIMIT}
 * characters, escaped (a statement with {@code <!channel>} or {@code <@U…>} cannot ping). A sampled line says so, and
 * so does the message when any line is sampled. Times are UTC. A message is split into sections within Slack's
 * limits.
 */
public final class ActivityView {
    /** The feed's template: sections {@code batch}, {@code entry}, {@code alert}. */
    public static final String TEMPLATE = "activity-feed";
    /** The sections of {@link #TEMPLATE} and their variables, checked at start. */
    public static final List<String> FLAGS = List.of("batch", "entry", "alert", "summary");
    public static final List<String> VARIABLES = List.of("id", "sampled", "lines", "more", "at", "action", "actor",
            "detail", "flag", "requester", "target", "count", "link", "total", "kinds", "name", "first", "last",
            "flaggedLines", "moreFlagged", "flagged");
    /** Flagged lines listed in a summary; the rest are counted. */
    static final int SUMMARY_FLAGGED = 50;
    /** Longest detail shown in Slack (the store keeps it whole). */
    public static final int DETAIL_LIMIT = 300;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Templates templates;

    public ActivityView(Templates templates) {
        this.templates = templates;
        templates.check(TEMPLATE, FLAGS, VARIABLES);
    }

    /** One stored activity as a line of mrkdwn (section {@code entry}). */
    public String entry(Recorded r) {
        return templates.say(TEMPLATE, "entry", Templates.vars(
                "at", TIME.format(r.activity().at()),
                "action", r.activity().action(),
                "actor", SlackText.oneLine(r.activity().actor(), 80),
                "detail", SlackText.oneLine(r.activity().detail(), DETAIL_LIMIT),
                "flag", r.flag().orElse(""),
                "sampled", r.activity().completeness() == Completeness.SAMPLED));
    }

    /** The feed message for {@code rows} (oldest first) of grant {@code g}, in mrkdwn. */
    public String batch(Grant g, List<Recorded> rows, int shown) {
        List<Recorded> picked = picked(rows, shown);
        return templates.say(TEMPLATE, "batch", Templates.vars(
                "id", g.id().toString(),
                "sampled", rows.stream().anyMatch(r -> r.activity().completeness() == Completeness.SAMPLED),
                "lines", lines(picked),
                "more", count(rows.size() - picked.size())));
    }

    /**
     * The alert for the flagged lines among {@code flagged} (all flagged, oldest first), in mrkdwn.
     *
     * @param link the request card's permalink, "" when unknown
     */
    public String alert(Grant g, List<Recorded> flagged, int shown, String link) {
        List<Recorded> picked = flagged.subList(0, Math.min(shown, flagged.size()));
        return templates.say(TEMPLATE, "alert", Templates.vars(
                "id", g.id().toString(),
                "requester", ReplyText.mention(g.requester()),
                "target", g.target(),
                "count", flagged.size(),
                "link", link,
                "lines", lines(picked),
                "more", count(flagged.size() - picked.size())));
    }

    /**
     * The summary of a grant's activity for the review (section {@code summary}): counts by kind, the first and last
     * action, every flagged line (up to {@value #SUMMARY_FLAGGED}, the rest counted), and "sampled" when any was;
     * empty when nothing was recorded.
     */
    public String summary(ActivitySummary s) {
        if (s.total() == 0) {
            return "";
        }
        List<java.util.Map<String, Object>> kinds = new ArrayList<>();
        s.byKind().forEach((kind, n) -> kinds.add(java.util.Map.of("name", kind, "count", n)));
        List<Recorded> listed = s.flagged().subList(0, Math.min(SUMMARY_FLAGGED, s.flagged().size()));
        return templates.say(TEMPLATE, "summary", Templates.vars(
                "total", s.total(),
                "kinds", kinds,
                "sampled", s.sampled(),
                "first", s.first().map(this::entry).orElse(""),
                "last", s.last().map(this::entry).orElse(""),
                "flaggedLines", lines(listed),
                "moreFlagged", count(s.flagged().size() - listed.size()),
                "flagged", !s.flagged().isEmpty()));
    }

    /** The first {@code shown} rows, then up to {@code shown} flagged ones among the rest, in order. */
    static List<Recorded> picked(List<Recorded> rows, int shown) {
        List<Recorded> out = new ArrayList<>(rows.subList(0, Math.min(shown, rows.size())));
        int flagged = 0;
        for (int i = out.size(); i < rows.size() && flagged < shown; i++) {
            if (rows.get(i).flag().isPresent()) {
                out.add(rows.get(i));
                flagged++;
            }
        }
        return out;
    }

    private List<String> lines(List<Recorded> rows) {
        return rows.stream().map(this::entry).toList();
    }

    /** A count for a section that shows only when there is something to count (0 would open it). */
    private static Object count(int n) {
        return n == 0 ? "" : n;
    }

    /** Mrkdwn as the message's sections, split at line ends within Slack's limits. */
    public static List<LayoutBlock> sections(String mrkdwn) {
        return PostMortemView.sections(mrkdwn);
    }

    /** The first line of a message: what a notification shows. */
    public static String firstLine(String mrkdwn) {
        int end = mrkdwn.indexOf('\n');
        return end < 0 ? mrkdwn : mrkdwn.substring(0, end);
    }
}

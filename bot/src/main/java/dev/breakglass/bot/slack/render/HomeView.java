package dev.breakglass.bot.slack.render;

import dev.breakglass.activity.ActivitySummary;
import dev.breakglass.grant.GrantId;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.view.View;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.Grant;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * The App Home tab of one user: four sections (their requests, their active access with time left, requests
 * waiting for their approval with an Approve button, reviews they owe), rendered from the {@code home-*}
 * templates. A pure function of its input.
 *
 * <p>Edge cases: each section shows at most {@link #ITEMS_PER_SECTION} grants and then "…and N more", so the
 * view stays far below Slack's {@value #MAX_BLOCKS} blocks (at most 53) however many grants exist; every block's
 * text is cut to 3000 characters; the justification shown to approvers is flattened to one line and shortened
 * to {@value #WHY_LENGTH} characters before it is escaped; access past its end that the sweeper has not removed
 * yet shows "0s left". The Approve button is the card's ({@link GrantCard#APPROVE}, value {@code BG-<n>}), so
 * the same handler decides.
 */
public final class HomeView {
    /** Templates this class renders. */
    public static final List<String> TEMPLATES = List.of("home-intro", "home-section", "home-item", "home-more");
    /** Slack's limit for a Home view. */
    public static final int MAX_BLOCKS = 100;
    /** Grants listed per section before "…and N more". */
    public static final int ITEMS_PER_SECTION = 10;
    /** The callback id of the published view. */
    public static final String CALLBACK = "bg_home";
    static final int WHY_LENGTH = 280;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Templates templates;
    private final EmergencyKinds kinds;

    private final Buttons buttons;

    public HomeView(Templates templates, EmergencyKinds kinds) {
        this.kinds = kinds;
        this.buttons = new Buttons(templates, kinds);
        this.templates = templates;
    }

    /**
     * What one user's Home shows, each list in display order.
     *
     * @param activity how many actions (and flagged ones) were recorded under the grants shown; a grant without
     *                 any is left out, and shows no count
     */
    public record Sections(List<Grant> requests, List<Grant> active, List<Grant> approvals, List<Grant> reviews,
                           Map<GrantId, ActivitySummary.Counts> activity) {
        public Sections {
            requests = List.copyOf(requests);
            active = List.copyOf(active);
            approvals = List.copyOf(approvals);
            reviews = List.copyOf(reviews);
            activity = Map.copyOf(activity);
        }

        /** Without activity counts. */
        public Sections(List<Grant> requests, List<Grant> active, List<Grant> approvals, List<Grant> reviews) {
            this(requests, active, approvals, reviews, Map.of());
        }

        public static Sections empty() {
            return new Sections(List.of(), List.of(), List.of(), List.of());
        }
    }

    private enum Kind {
        REQUESTS("inRequests"), ACTIVE("inActive"), APPROVALS("inApprovals"), REVIEWS("inReviews");

        final String flag;

        Kind(String flag) {
            this.flag = flag;
        }
    }

    /** The Home view of {@code user} at {@code now}, ready for {@code views.publish}. */
    public View view(String user, Sections sections, Instant now) {
        List<LayoutBlock> blocks = blocks(user, sections, now);
        return com.slack.api.model.view.Views.view(v -> v.type("home").callbackId(CALLBACK).blocks(blocks));
    }

    /** The view's blocks (never more than {@value #MAX_BLOCKS}). */
    public List<LayoutBlock> blocks(String user, Sections sections, Instant now) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(fit(templates.render("home-intro",
                Map.of("user", ReplyText.mention(user), "updated", TIME.format(now))))))));
        addSection(blocks, Kind.REQUESTS, sections.requests(), sections.activity(), now);
        addSection(blocks, Kind.ACTIVE, sections.active(), sections.activity(), now);
        addSection(blocks, Kind.APPROVALS, sections.approvals(), sections.activity(), now);
        addSection(blocks, Kind.REVIEWS, sections.reviews(), sections.activity(), now);
        return blocks.size() <= MAX_BLOCKS ? blocks : List.copyOf(blocks.subList(0, MAX_BLOCKS));
    }

    private void addSection(List<LayoutBlock> blocks, Kind kind, List<Grant> grants,
                            Map<GrantId, ActivitySummary.Counts> activity, Instant now) {
        blocks.add(divider());
        blocks.add(section(s -> s.text(markdownText(fit(templates.render("home-section",
                Map.of(kind.flag, true, "none", grants.isEmpty())))))));
        for (Grant g : grants.subList(0, Math.min(grants.size(), ITEMS_PER_SECTION))) {
            Map<String, Object> data = GrantCard.data(g, templates, kinds);
            data.put(kind.flag, true);
            data.put("timeLeft", g.expiresAt().map(end -> DurationText.format(roundedLeft(now, end))).orElse(""));
            data.put("why", shortened(g.justification()));
            ActivitySummary.Counts counts = activity.getOrDefault(g.id(), ActivitySummary.Counts.NONE);
            data.put("activityCount", counts.total() == 0 ? "" : counts.total()); // 0 would open the section
            data.put("activityFlagged", counts.flagged() == 0 ? "" : counts.flagged());
            String text = fit(templates.render("home-item", data));
            if (kind == Kind.APPROVALS) {
                blocks.add(section(s -> s.text(markdownText(text)).accessory(approve(g))));
            } else if (kind == Kind.REVIEWS) {
                blocks.add(section(s -> s.text(markdownText(text)).accessory(review(g))));
            } else {
                blocks.add(section(s -> s.text(markdownText(text))));
            }
        }
        int more = grants.size() - ITEMS_PER_SECTION;
        if (more > 0) {
            String text = fit(templates.render("home-more", Map.of(kind.flag, true, "more", more)));
            blocks.add(context(c -> c.elements(List.of(markdownText(text)))));
        }
    }

    /** Time left, rounded up to the minute (seconds only under a minute): a Home is not a stopwatch. */
    private static Duration roundedLeft(Instant now, Instant end) {
        Duration left = Duration.between(now, end);
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        long seconds = left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0);
        return seconds < 60 ? Duration.ofSeconds(seconds) : Duration.ofMinutes((seconds + 59) / 60);
    }

    /** One line, at most {@value #WHY_LENGTH} characters, not yet escaped (the template escapes it). */
    static String shortened(String justification) {
        String flat = justification == null ? "" : justification.strip().replaceAll("\\s+", " ");
        if (flat.length() <= WHY_LENGTH) {
            return flat;
        }
        int end = WHY_LENGTH - 1;
        if (Character.isHighSurrogate(flat.charAt(end - 1))) {
            end--;
        }
        return flat.substring(0, end) + "…";
    }

    private ButtonElement approve(Grant g) {
        return buttons.confirmed(GrantCard.APPROVE, "approve", "approve", g, "primary");
    }

    /** Write review on the requester's own ended access; Sign off on a written review (the only other kind). */
    private ButtonElement review(Grant g) {
        if (g.postMortem().review().isEmpty()) {
            return buttons.button(PostMortemView.WRITE_REVIEW, "writeReview", g, "primary");
        }
        return buttons.confirmed(PostMortemView.SIGN_OFF, "signOff", "signOffHome", g, null);
    }

    private static String fit(String mrkdwn) {
        return SlackText.fit(mrkdwn, SlackText.SECTION_LIMIT);
    }
}

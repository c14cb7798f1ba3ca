package dev.breakglass.bot.slack.render;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import dev.breakglass.command.DurationText;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantState;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

/**
 * The request card in the approvals channel and the messages to the requester, as Block Kit. The wording comes
 * from templates ({@code request-card}, {@code card-header}, {@code requester-update}, {@code fallback-text}, the
 * buttons' from {@link Buttons}); the structure and which buttons show from here.
 *
 * <p>Edge cases: every user-typed value (justification, incident, reasons) is escaped and each section is cut
 * to Slack's 3000 characters with a visible marker; the buttons exist only while the card still waits for a
 * decision, so a decided card cannot be clicked again.
 */
public final class GrantCard {
    /** Action ids of the buttons, routed by the handlers. */
    public static final String APPROVE = "bg_approve";
    public static final String DENY = "bg_deny";
    public static final String CANCEL = "bg_cancel";
    public static final String BREAK_GLASS = "bg_break_glass";
    public static final String REVEAL = "bg_reveal";
    public static final String DONE = "bg_done";
    public static final String EXTEND = "bg_extend";
    public static final String APPROVE_EXTENSION = "bg_extend_approve";
    public static final String DENY_EXTENSION = "bg_extend_deny";
    public static final String RESOLVE = "bg_resolve";
    /** Templates this class renders, compiled at start. */
    public static final List<String> TEMPLATES = List.of("request-card", "request-card-justification",
            "requester-update", "card-header", "fallback-text");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Templates templates;
    private final EmergencyKinds kinds;
    private final Buttons buttons;

    public GrantCard(Templates templates, EmergencyKinds kinds) {
        this.templates = templates;
        this.kinds = kinds;
        this.buttons = new Buttons(templates, kinds);
    }

    /** The card: what was asked and where it stands, with Approve / Deny while it waits. */
    public List<LayoutBlock> card(Grant g) {
        Map<String, Object> data = data(g, templates, kinds);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(headerText(data)))));
        blocks.add(section(s -> s.text(markdownText(fit(templates.render("request-card", data))))));
        blocks.add(section(s -> s.text(markdownText(fit(templates.render("request-card-justification",
                Map.of("justification", SlackText.quote(g.justification()))).strip())))));
        if (g.state() == GrantState.PENDING) {
            blocks.add(actions(a -> a.blockId("bg_decide_" + g.id().value()).elements(List.of(
                    buttons.confirmed(APPROVE, "approve", "approve", g, "primary"),
                    buttons.button(DENY, "deny", g, "danger")))));
        } else if (g.state() == GrantState.ACTIVE) {
            List<BlockElement> elements = new ArrayList<>();
            g.extension().ifPresent(e -> {
                elements.add(buttons.confirmed(APPROVE_EXTENSION, "approveExtension", "approveExtension", g, "primary"));
                elements.add(buttons.button(DENY_EXTENSION, "denyExtension", g, null));
            });
            elements.add(buttons.confirmed(DONE, "revokeNow", "revokeNow", g, "danger"));
            blocks.add(actions(a -> a.blockId("bg_active_" + g.id().value()).elements(elements)));
        }
        return blocks;
    }

    private String headerText(Map<String, Object> data) {
        return templates.plain("card-header", data).strip();
    }

    /** Plain-text fallback of the card (notifications, screen readers). */
    public String cardText(Grant g) {
        Map<String, Object> data = data(g, templates, kinds);
        data.put("header", headerText(data));
        return templates.sayPlain("fallback-text", "card", data);
    }

    /** A message to the requester about their grant, with the buttons that fit the moment. */
    public List<LayoutBlock> requesterUpdate(Grant g, String headline, String... buttonActions) {
        Map<String, Object> data = data(g, templates, kinds);
        data.put("headline", headline);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(fit(templates.render("requester-update", data))))));
        List<BlockElement> elements = new ArrayList<>();
        for (String buttonAction : buttonActions == null ? new String[0] : buttonActions) {
            if (buttonAction == null) {
                continue;
            }
            elements.add(switch (buttonAction) {
                case CANCEL -> buttons.confirmed(CANCEL, "cancel", "cancel", g, null);
                case BREAK_GLASS -> buttons.confirmed(BREAK_GLASS, "breakGlass", "breakGlass", g, "danger");
                case REVEAL -> buttons.button(REVEAL, "reveal", g, "primary");
                case EXTEND -> buttons.button(EXTEND, "extend", g, "primary");
                case DONE -> buttons.confirmed(DONE, "done", "done", g, "danger");
                case PostMortemView.WRITE_REVIEW -> buttons.button(PostMortemView.WRITE_REVIEW, "writeReview", g,
                        "primary");

                default -> throw new IllegalArgumentException("no button " + buttonAction);
            });
        }
        if (!elements.isEmpty()) {
            blocks.add(actions(a -> a.blockId("bg_requester_" + g.id().value()).elements(elements)));
        }
        return blocks;
    }

    /**
     * An alert for the notify channels (bot-written mrkdwn, user text already escaped); a failing revocation
     * carries "Mark resolved" for the target's revokers.
     */
    public List<LayoutBlock> alert(Grant g, String mrkdwn, boolean resolvable) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(fit(mrkdwn)))));
        if (resolvable) {
            blocks.add(actions(a -> a.blockId("bg_alert_" + g.id().value()).elements(List.of(
                    buttons.confirmed(RESOLVE, "resolve", "resolve", g, null)))));
        }
        return blocks;
    }

    /** After an approver's mention: they passed step-up for their approval. */
    private static String stepUpMark(Grant g, String approver) {
        return g.stepUpVerifiedBy(approver) ? " (step-up verified)" : "";
    }

    /**
     * The template variables of one grant (see templates/README.md); mentions are pre-rendered; {@code kinds} gives
     * its emergency kind's title and incident link.
     */
    static Map<String, Object> data(Grant g, Templates templates, EmergencyKinds kinds) {
        Map<String, Object> d = new HashMap<>();
        d.put("id", g.id().toString());
        d.put("requester", ReplyText.mention(g.requester()));
        d.put("target", g.target());
        d.put("role", g.role().orElse(""));
        d.put("duration", DurationText.format(g.duration()));
        d.put("incident", g.incident().orElse(""));
        kinds.addTo(d, g);
        d.put("requestedAt", TIME.format(g.requestedAt()));
        d.put("approvalsMissing", g.approvalsMissing());
        d.put("approvers", g.approvedBy().stream().map(a -> ReplyText.mention(a) + stepUpMark(g, a))
                .collect(Collectors.joining(", ")));
        d.put("requesterStepUp", g.stepUpVerifiedBy(g.requester()));
        d.put("decidedBy", g.decidedBy().map(ReplyText::mention).orElse(""));
        d.put("reason", g.reason().orElse(""));
        d.put("expiresAt", g.expiresAt().map(TIME::format).orElse(""));
        d.put("emergency", g.emergency());
        d.put("state", templates.sayPlain("reply-state", g.state().word().section(), Map.of()));
        d.put("extension", g.extension().map(e -> DurationText.format(e.duration())).orElse(""));
        d.put("extensionWhy", g.extension().map(e -> e.justification()).orElse(""));
        d.put("extensionApprovers", g.extension().map(e -> e.approvedBy().stream().map(ReplyText::mention)
                .collect(Collectors.joining(", "))).orElse(""));
        d.put("revokedBy", g.revocation().revokedBy().map(ReplyText::mention).orElse(""));
        d.put("revokeReason", g.revocation().reason().orElse(""));
        d.put("attempts", g.revocation().attempts());
        d.put("lastError", g.revocation().lastError().orElse(""));
        d.put("endedAt", g.revocation().endedAt().map(TIME::format).orElse(""));
        d.put("reviewWritten", g.postMortem().review().isPresent());
        d.put("reviewedBy", g.postMortem().signOff().map(o -> ReplyText.mention(o.by())).orElse(""));
        for (GrantState s : GrantState.values()) {
            d.put(s.name().toLowerCase().replace("_", ""), g.state() == s);
        }
        return d;
    }


    private static String fit(String mrkdwn) {
        return SlackText.fit(mrkdwn, SlackText.SECTION_LIMIT);
    }

    /** For tests and logs: a time as the card shows it. */
    static String time(Instant t) {
        return TIME.format(t);
    }
}

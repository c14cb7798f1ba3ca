package dev.breakglass.bot.slack.outbound;

import static dev.breakglass.bot.slack.outbound.SlackRetry.patiently;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.block.LayoutBlock;
import dev.breakglass.bot.events.EventConsumer;
import dev.breakglass.bot.events.EventRoutes;
import dev.breakglass.bot.events.JdbcEventOutbox;
import dev.breakglass.bot.persistence.JdbcCardStore;
import dev.breakglass.bot.slack.render.EmergencyKinds;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.command.DurationText;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.NotifyTarget;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notify channels: each channel whose filter accepts an event's kind ({@link NotifyTarget.Event#of}) hears it,
 * in its own lane, so a rate-limited channel delays only itself. An event is one line ({@code notification.mustache})
 * with a link to the request card, except for the events that need attention (an emergency grant, a failing
 * revocation, its recovery or manual resolution): those keep their fuller alert, with Mark resolved on a failing
 * revocation, in a message of their own. Said from the grant as the event saved it.
 *
 * <p>One message per event while the channel keeps up; when its lane is behind (a burst of grants, a Slack rate limit
 * waited out), the lines already waiting go out in one message, in order, at most {@link #LINES_PER_MESSAGE} and
 * {@link #TEXT_BUDGET} characters: a channel catches up in a few messages instead of one per event, and asks Slack
 * for far fewer of the posts it allows about one a second per channel. The message's metadata lists the events it
 * said, so a repeat after a crash finds them said.
 *
 * <p>Edge cases: the card's permalink is asked once per grant and kept in memory (after a restart, asked again);
 * while the card's own lane has not caught up with the event, a message waits for it (postponed, not failed) for at
 * most {@link #LINK_WAIT} of this process's time, then goes out without the link; a grant that has no card (and
 * none pending) is told without one at once. A failing revocation is announced at its
 * first failure only (the routing says so). Delivered at least once, as {@link RequesterMessages}.
 */
@Singleton
public class NotifyChannels implements EventConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyChannels.class);
    /** How long a notify message waits for the card's permalink before it goes out without it. */
    static final Duration LINK_WAIT = Duration.ofSeconds(30);
    /** The template of the one-line notify messages. */
    public static final String TEMPLATE = "notification";
    /** What happened, one section per event told as a line. */
    public static final String WHAT = "notification-what";
    /** Each line's emoji: the sections of {@link #WHAT}, and {@code other} for the events an alert tells. */
    public static final String EMOJI = "notification-emoji";
    /** The fuller alerts: emergencies and revocation trouble (and step-up lockouts, told by StepUpAlerts). */
    public static final String ALERT = "alert";
    private static final List<String> WHAT_FLAGS = List.of("requested", "approvalRecorded", "approved", "denied",
            "cancelled", "timedOut", "emergencyOffered", "activated", "provisioningFailed", "rolledBack", "expiryWarned",
            "extensionRequested", "extensionApprovalRecorded", "extensionFailed", "extended", "extensionDenied",
            "expired", "revoked", "reviewReminded", "reviewWritten", "reviewed");
    private static final List<String> WHAT_VARIABLES = List.of("approver", "missing", "end", "extra", "complete",
            "added", "by", "requester", "number");
    /** The sections of {@link #ALERT} and their variables, checked at start. */
    public static final List<String> ALERT_FLAGS = List.of("glassBroken", "revocationFailing", "revocationRecovered",
            "revocationResolved", "stepUpLockedOut");
    public static final List<String> ALERT_VARIABLES = List.of("id", "requester", "target", "role", "duration",
            "kind", "incident", "incidentLink", "link", "error", "attempts", "by", "note", "user", "until", "grant");
    private static final int DETAIL_LIMIT = 200;
    private static final Duration LINK_RETRY = Duration.ofMillis(250);
    /** The most lines one message says when a channel's lane is behind. */
    static final int LINES_PER_MESSAGE = 40;
    /** The most characters of those lines (Slack advises messages under 4,000). */
    static final int TEXT_BUDGET = 4000;

    private final MethodsClient slack;
    private final JdbcCardStore cards;
    private final GrantCard render;
    private final Templates templates;
    /** When a delivery first waited for its card (monotonic nanos), by {@link Delivery#mark()}; this process only. */
    private final Map<String, Long> firstWait = new ConcurrentHashMap<>();
    /** The card's permalink per grant ("" when Slack gave none). */
    private final Map<GrantId, String> permalinks = new ConcurrentHashMap<>();

    private final DeliveryMarks marks;
    private final EmergencyKinds kinds;
    private final JdbcEventOutbox outbox;

    public NotifyChannels(MethodsClient slack, JdbcCardStore cards, GrantCard render, Templates templates,
                          DeliveryMarks marks, EmergencyKinds kinds, JdbcEventOutbox outbox) {
        this.outbox = outbox;
        this.marks = marks;
        this.kinds = kinds;
        this.slack = slack;
        this.cards = cards;
        this.render = render;
        this.templates = templates;
        templates.render(TEMPLATE, sample()); // a broken override stops the start, not an incident
        templates.check(WHAT, WHAT_FLAGS, WHAT_VARIABLES);
        templates.check(EMOJI, java.util.stream.Stream.concat(WHAT_FLAGS.stream(), java.util.stream.Stream.of("other"))
                .toList(), List.of());
        templates.check(ALERT, ALERT_FLAGS, ALERT_VARIABLES);
    }

    @Override
    public String name() {
        return EventRoutes.NOTIFY;
    }

    @Override
    public boolean reachesOut() {
        return true;
    }

    @Override
    public void deliver(Delivery delivery, Connection connection) throws Exception {
        GrantEvent event = delivery.event();
        Optional<NotifyTarget.Event> kind = NotifyTarget.Event.of(event);
        Optional<com.slack.api.model.Message> before = marks.messageBefore(delivery.lane(), delivery);
        if (before.isPresent()) {
            // An earlier attempt posted it, with the lines it took along: those are said too.
            JdbcEventOutbox.takeAlong(connection, name(), delivery.lane(),
                    DeliveryMarks.along(before.get()).stream().filter(id -> id > delivery.id()).toList());
            return;
        }
        if (kind.isEmpty()) {
            return; // routed by an older release's rules
        }
        Said said = said(event, kind.get(), link(event.grant().id(), delivery, connection));
        List<Along> along = said.line() ? along(delivery, connection, said.text().length()) : List.of();
        StringBuilder text = new StringBuilder(said.text());
        along.stream().map(Along::line).filter(line -> !line.isEmpty()).forEach(line -> text.append('\n').append(line));
        List<Delivery> taken = along.stream().map(Along::delivery).toList();
        String channel = delivery.lane();
        var r = patiently(() -> slack.chatPostMessage(b -> {
            b.channel(channel).text(text.toString()).metadata(DeliveryMarks.of(delivery, taken));
            if (said.blocks() != null) {
                b.blocks(said.blocks());
            }
            return b;
        }));
        if (!r.isOk()) {
            LOG.error("Telling {} about {} failed: {}", channel, event.grant().id(), r.getError());
        }
        JdbcEventOutbox.takeAlong(connection, name(), channel, taken.stream().map(Delivery::id).toList());
    }

    /** A delivery said in another's message, and its line ("" for an event no notify line tells). */
    private record Along(Delivery delivery, String line) {
    }

    /**
     * The one-line events waiting right behind {@code first} in its channel's lane that go in its message (whose
     * text is {@code length} long so far): taken while the lane is behind, up to {@link #LINES_PER_MESSAGE} lines and
     * {@link #TEXT_BUDGET} characters, never past an alert (its own message), a delivery an earlier attempt may have
     * posted, or a line whose card is still being posted (it waits for its link on its own).
     */
    private List<Along> along(Delivery first, Connection connection, int length) throws Exception {
        List<Along> along = new java.util.ArrayList<>();
        for (Delivery d : outbox.behind(connection, name(), first, LINES_PER_MESSAGE - 1)) {
            if (d.repeated()) {
                break;
            }
            Optional<NotifyTarget.Event> kind = NotifyTarget.Event.of(d.event());
            String line = "";
            if (kind.isPresent()) {
                Optional<String> url = linkNow(d.event().grant().id(), d.id(), connection);
                if (url.isEmpty()) {
                    break;
                }
                Said said = said(d.event(), kind.get(), url.get());
                length += 1 + said.text().length();
                if (!said.line() || length > TEXT_BUDGET) {
                    break;
                }
                line = said.text();
            }
            along.add(new Along(d, line));
        }
        return along;
    }

    /** The card's permalink, "" when there is none; postpones while the card may still come. */
    private String link(GrantId id, Delivery delivery, Connection connection) throws NotYet, java.sql.SQLException {
        Optional<String> url = linkNow(id, delivery.id(), connection);
        if (url.isEmpty()) {
            long first = firstWait.computeIfAbsent(delivery.mark(), k -> System.nanoTime());
            if (System.nanoTime() - first < LINK_WAIT.toNanos()) {
                throw new NotYet("the card of " + id + " is not posted yet", LINK_RETRY);
            }
            LOG.warn("The card of {} has no permalink yet; notifying without it", id);
        }
        firstWait.remove(delivery.mark());
        return url.orElse(""); // no card is coming (or it is late): the line goes without the link
    }

    /**
     * The card's permalink as it can be known now: "" when the grant has no card and none is coming (or Slack gave
     * none), empty while the card's delivery is still pending at or before event {@code upTo}.
     */
    private Optional<String> linkNow(GrantId id, long upTo, Connection connection) throws java.sql.SQLException {
        String known = permalinks.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        // Asked before the card is looked up: a card delivery that finishes in between has stored the card by then,
        // so "no card, nothing pending" really means no card is coming.
        boolean cardComing = JdbcEventOutbox.pendingBefore(connection, EventRoutes.CARD, Long.toString(id.value()),
                upTo);
        Optional<JdbcCardStore.Card> card = cards.find(id);
        if (card.isEmpty()) {
            return cardComing ? Optional.empty() : Optional.of("");
        }
        String url = "";
        try {
            var r = patiently(() -> slack.chatGetPermalink(b -> b.channel(card.get().channel())
                    .messageTs(card.get().ts())));
            if (r.isOk() && r.getPermalink() != null) {
                url = r.getPermalink();
            } else {
                LOG.warn("No permalink for the card of {}: {}", id, r.getError());
            }
        } catch (IOException | SlackApiException e) {
            LOG.warn("No permalink for the card of {}: {}", id, e.toString());
            return Optional.of("");
        }
        permalinks.put(id, url);
        return Optional.of(url);
    }

    /**
     * What a notify channel is told: the text, the blocks of an alert (null for a plain line or an alert without
     * buttons), and whether it is one line (the lines waiting behind it may join its message) rather than an alert.
     */
    record Said(String text, List<LayoutBlock> blocks, boolean line) {
    }

    /** What one event says in a notify channel; {@code url} is the card's permalink, "" when unknown. */
    Said said(GrantEvent event, NotifyTarget.Event kind, String url) {
        Grant g = event.grant();
        Map<String, Object> alert = new HashMap<>();
        alert.put("id", g.id().toString());
        alert.put("requester", ReplyText.mention(g.requester()));
        alert.put("target", g.target());
        alert.put("role", g.role().orElse(""));
        alert.put("duration", DurationText.format(g.duration()));
        putKind(alert, g);
        alert.put("link", url);
        return switch (event) {
            case GrantEvent.GlassBroken e -> new Said(templates.say(ALERT, "glassBroken", alert), null, false);
            case GrantEvent.RevocationFailed f -> {
                alert.put("error", f.error());
                String text = templates.say(ALERT, "revocationFailing", alert);
                yield new Said(text, render.alert(g, text, true), false);
            }
            case GrantEvent.RevocationRecovered e -> {
                alert.put("attempts", g.revocation().attempts());
                String text = templates.say(ALERT, "revocationRecovered", alert);
                yield new Said(text, render.alert(g, text, false), false);
            }
            case GrantEvent.RevocationResolved r -> {
                alert.put("by", ReplyText.mention(r.by()));
                alert.put("note", g.revocation().reason().orElse(""));
                String text = templates.say(ALERT, "revocationResolved", alert);
                yield new Said(text, render.alert(g, text, false), false);
            }
            default -> new Said(SlackText.fit(templates.render(TEMPLATE, line(event, kind, g, url)).strip(),
                    SlackText.SECTION_LIMIT), null, true);
        };
    }

    /**
     * What a one-line message says: its kind (the section of {@link #EMOJI} that gives its emoji), what happened (a
     * section of {@link #WHAT}), and its free text.
     */
    private record Line(String kind, String what, String detail) {
        Line(String kind, String what) {
            this(kind, what, "");
        }
    }

    /** The section of {@link #WHAT} named {@code flag}, with {@code args} (name, value pairs). */
    private String what(String flag, Object... args) {
        return templates.say(WHAT, flag, Templates.vars(args));
    }

    /** The variables of notification.mustache (see templates/README.md). */
    private Map<String, Object> line(GrantEvent event, NotifyTarget.Event kind, Grant g, String url) {
        String end = g.expiresAt().map(RequesterMessages.TIME::format).orElse("?");
        Line l = switch (event) {
            case GrantEvent.Requested e -> new Line("requested", what("requested"), g.justification());
            case GrantEvent.ApprovalRecorded a -> new Line("approvalRecorded", what("approvalRecorded",
                    "approver", ReplyText.mention(a.approver()), "missing", g.approvalsMissing()));
            case GrantEvent.Approved a -> new Line("approved", what("approved", "approver",
                    ReplyText.mention(a.approver())));
            case GrantEvent.Denied d -> new Line("denied", what("denied", "approver",
                    ReplyText.mention(d.approver())), d.reason());
            case GrantEvent.Cancelled e -> new Line("cancelled", what("cancelled"));
            case GrantEvent.TimedOut e -> new Line("timedOut", what("timedOut"));
            case GrantEvent.EmergencyOffered e -> new Line("emergencyOffered", what("emergencyOffered"));
            case GrantEvent.Activated e -> new Line("activated", what("activated", "end", end));
            case GrantEvent.ProvisioningFailed f -> new Line("provisioningFailed", what("provisioningFailed"), f.reason());
            case GrantEvent.RolledBack r -> new Line("rolledBack", what("rolledBack"), r.reason());
            case GrantEvent.ExpiryWarned e -> new Line("expiryWarned", what("expiryWarned", "end", end));
            case GrantEvent.ExtensionRequested e -> new Line("extensionRequested", what("extensionRequested",
                    "extra", g.extension().map(x -> DurationText.format(x.duration())).orElse("?")),
                    g.extension().map(x -> x.justification()).orElse(""));
            case GrantEvent.ExtensionApprovalRecorded a -> new Line("extensionApprovalRecorded",
                    what("extensionApprovalRecorded", "approver", ReplyText.mention(a.approver()), "complete",
                            g.extensionApproved()));
            case GrantEvent.ExtensionFailed e -> new Line("extensionFailed", what("extensionFailed", "end", end), e.error());
            case GrantEvent.Extended e -> new Line("extended", what("extended", "added",
                    DurationText.format(e.added()), "approver", ReplyText.mention(e.approver()), "end", end));
            case GrantEvent.ExtensionDenied e -> new Line("extensionDenied", what("extensionDenied", "approver",
                    ReplyText.mention(e.approver())), e.reason());
            case GrantEvent.Expired e -> new Line("expired", what("expired"));
            case GrantEvent.Revoked e -> new Line("revoked", what("revoked", "by", g.revocation().revokedBy()
                    .map(ReplyText::mention).orElse("")), g.revocation().reason().orElse(""));
            case GrantEvent.ReviewReminded r -> new Line("reviewReminded", what("reviewReminded", "requester",
                    ReplyText.mention(g.requester()), "number", r.number()));
            case GrantEvent.ReviewWritten e -> new Line("reviewWritten", what("reviewWritten", "requester",
                    ReplyText.mention(g.requester())));
            case GrantEvent.Reviewed r -> new Line("reviewed", what("reviewed", "by",
                    ReplyText.mention(r.by())));
            // Told as alerts (said), or never routed here (NotifyTarget.Event.of).
            case GrantEvent.GlassBroken e -> new Line("other", kind.policyName());
            case GrantEvent.CredentialsRevealed e -> new Line("other", kind.policyName());
            case GrantEvent.RevocationFailed e -> new Line("other", kind.policyName());
            case GrantEvent.RevocationRecovered e -> new Line("other", kind.policyName());
            case GrantEvent.RevocationResolved e -> new Line("other", kind.policyName());
            case GrantEvent.PostMortemOpened e -> new Line("other", kind.policyName());
        };
        Map<String, Object> d = new HashMap<>();
        d.put("emoji", templates.say(EMOJI, l.kind(), Map.of()));
        d.put("id", g.id().toString());
        d.put("what", l.what());
        d.put("event", kind.policyName());
        d.put("requester", ReplyText.mention(g.requester()));
        d.put("target", g.target());
        d.put("role", g.role().orElse(""));
        d.put("duration", DurationText.format(g.duration()));
        putKind(d, g);
        d.put("detail", SlackText.oneLine(l.detail(), DETAIL_LIMIT));
        d.put("link", url);
        return d;
    }

    /** The grant's emergency kind, incident and the incident's link ("" each where there is none). */
    private void putKind(Map<String, Object> d, Grant g) {
        d.put("kind", kinds.title(g));
        d.put("incident", g.incident().orElse(""));
        d.put("incidentLink", kinds.incidentLink(g));
    }

    /** A person as a mention; the bot as itself. */
    private static String mention(Actor actor) {
        return switch (actor) {
            case Actor.Person p -> ReplyText.mention(p.userId());
            case Actor.Bot b -> "Breakglass";
        };
    }

        private static Map<String, Object> sample() {
        Map<String, Object> d = new HashMap<>();
        for (String k : List.of("emoji", "id", "what", "event", "requester", "target", "role", "duration", "kind",
                "incident", "incidentLink", "detail", "link")) {
            d.put(k, "x");
        }
        return d;
    }
}

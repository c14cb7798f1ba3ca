package dev.breakglass.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.transport.DeliveryTransport;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.port.GrantStore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the bot's state the way a person in Slack would: cards, direct messages, grants. */
public final class Workflow {
    public static final String APPROVALS = "C0APPROVALS";
    public static final String ALICE = "U0ALICE";
    public static final String BOB = "U0BOB";
    public static final String CAROL = "U0CAROL";
    public static final String DAVE = "U0DAVE";
    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern ID = Pattern.compile("BG-(\\d+)");

    private final RunningBot bot;

    public Workflow(RunningBot bot) {
        this.bot = bot;
    }

    /**
     * A policy with webhook targets pointing at {@code receiver}: orders-db (1 approval, emergency) and payments (2).
     * A test class makes many requests as the same people within minutes, so it allows 100 requests per hour.
     */
    public static String policy(WebhookReceiver receiver) {
        return policy(receiver.url(), WebhookReceiver.SECRET);
    }

    /** {@link #policy(WebhookReceiver)} for a webhook target at {@code url} that signs with {@code secret}. */
    public static String policy(String url, String secret) {
        String settings = "    settings:\n      url: " + url + "\n      secret: " + secret
                + "\n      retries: 1\n";
        return "channels:\n  approvals: C0APPROVALS\n  notify: [C0SECURITY, C0MGMT]\nrequests-per-hour: 1000\n"
                + "targets:\n"
                + "  orders-db:\n    description: Production orders database\n    adapter: webhook\n"
                + "    roles: [read-only, admin]\n    max-duration: 1h\n    default-duration: 30m\n    approvals: 1\n"
                + "    requesters: [S0ONCALL]\n    approvers: [S0SRELEADS, U0CAROL]\n    revokers: [S0SECURITY]\n"
                + "    min-duration: 2s\n"
                + "    emergency:\n      after: 10m\n      max-duration: 20m\n" + settings
                + "  payments:\n    adapter: webhook\n    max-duration: 2h\n    approvals: 2\n"
                + "    requesters: [U0ALICE]\n    approvers: [U0BOB, U0CAROL, U0DAVE]\n" + settings;
    }

    /** The grant id in a reply such as "Requested BG-3: …". */
    public static GrantId idIn(String text) {
        Matcher m = ID.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no grant id in: " + text);
        }
        return new GrantId(Long.parseLong(m.group(1)));
    }

    /** {@code /breakglass request …} by {@code user}; the new grant's id. */
    public GrantId request(String user, String text) {
        DeliveryResult r = bot.deliver().slashCommand(user, "C0GENERAL", "request " + text);
        return idIn(r.json().path("text").asText());
    }

    /**
     * {@code /breakglass <text>} by {@code user}; what the bot answered them: the acknowledgement's text, or, for a
     * command carried out after the acknowledgement, its first answer through the response URL.
     */
    public String command(String user, String text) {
        int before = responses(user).size();
        DeliveryResult r = bot.deliver().slashCommand(user, "C0GENERAL", text);
        if (!r.applied()) {
            throw new AssertionError("Slack would not take this acknowledgement: " + r.answer());
        }
        String ack = r.json().path("text").asText("");
        if (!ack.isEmpty()) {
            return ack;
        }
        return awaitResponse(user, before);
    }

    /** Waits for an answer to {@code user} through a response URL beyond the first {@code before}; its text. */
    public String awaitResponse(String user, int before) {
        RunningBot.await(WAIT, () -> responses(user).size() > before, () -> "no answer for " + user);
        return responses(user).get(before);
    }

    /** How many answers {@code user} got through response URLs so far. */
    public int responseCount(String user) {
        return responses(user).size();
    }

    /** {@code request <text>} by {@code requester}, approved by {@code approver}; its id once ACTIVE. */
    public GrantId activeGrant(String requester, String approver, String text) {
        GrantId id = request(requester, text);
        click(approver, card(id), dev.breakglass.bot.slack.render.GrantCard.APPROVE, id);
        awaitState(id, GrantState.ACTIVE);
        return id;
    }

    public Grant grant(GrantId id) {
        return bot.bean(GrantStore.class).find(id).orElseThrow();
    }

    public Grant awaitState(GrantId id, GrantState state) {
        return awaitStateWithin(id, state, WAIT);
    }

    public Grant awaitStateWithin(GrantId id, GrantState state, Duration within) {
        RunningBot.await(within, () -> grant(id).state() == state, () -> id + " is " + grant(id).state() + ", not "
                + state + " after " + within.toSeconds() + " s");
        return grant(id);
    }

    /** Every block's text of the thread under {@code id}'s card (the activity feed, the post-mortem), in order. */
    public String threadText(GrantId id) {
        StringBuilder out = new StringBuilder();
        for (Message m : bot.slack().thread(APPROVALS, card(id).ts())) {
            if (m.blocks() != null) {
                for (JsonNode b : m.blocks()) {
                    out.append(b.path("text").path("text").asText()).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** {@code GET /activity/export?grant=<id>} with the audit token {@code token}. */
    public java.net.http.HttpResponse<String> activityExport(GrantId id, String token) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        bot.url("/activity/export?grant=" + id)).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The request card of a grant in the approvals channel, once posted. */
    public Message card(GrantId id) {
        RunningBot.await(WAIT, () -> findCard(id).isPresent(), () -> "no card for " + id);
        return findCard(id).orElseThrow();
    }

    /** Waits until the card's current text contains {@code text}. */
    public Message awaitCard(GrantId id, String text) {
        RunningBot.await(WAIT, () -> findCard(id).map(m -> m.blocks().toString().contains(text)).orElse(false),
                () -> "card of " + id + " never said \"" + text + "\": " + findCard(id).map(m -> m.blocks().toString()));
        return findCard(id).orElseThrow();
    }

    private Optional<Message> findCard(GrantId id) {
        return bot.slack().messages(APPROVALS).stream()
                .filter(m -> m.blocks() != null && m.blocks().path(0).path("text").path("text").asText()
                        .endsWith(" " + id))
                .findFirst();
    }

    /** Action ids of the buttons on a message, in order. */
    public static List<String> buttons(JsonNode blocks) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        blocks.forEach(b -> b.path("elements").forEach(e -> {
            if (e.path("type").asText().equals("button")) {
                out.add(e.path("action_id").asText());
            }
        }));
        return out;
    }

    /** Direct messages from the bot to {@code user} about {@code id}, oldest first. */
    public List<Message> directMessages(String user, GrantId id) {
        return bot.slack().messages(user).stream().filter(m -> m.blocks() != null
                && m.blocks().toString().contains("*" + id + "*")).toList();
    }

    /** Waits for a direct message to {@code user} about {@code id} that contains {@code text}. */
    public Message awaitDirectMessage(String user, GrantId id, String text) {
        RunningBot.await(WAIT, () -> directMessages(user, id).stream().anyMatch(m -> m.blocks().toString().contains(text)),
                () -> "no DM to " + user + " about " + id + " saying \"" + text + "\": "
                        + directMessages(user, id).stream().map(m -> m.blocks().toString()).toList());
        return directMessages(user, id).stream().filter(m -> m.blocks().toString().contains(text)).reduce((a, b) -> b)
                .orElseThrow();
    }

    /** ButtonActions a button on a message as {@code user}; returns what the bot answered the clicker (ephemeral text). */
    public String click(String user, Message message, String actionId, GrantId id) {
        int before = responses(user).size();
        press(user, message, actionId, id);
        return awaitResponse(user, before);
    }

    /**
     * A click prepared now and delivered later: what Slack sends when someone's screen still shows the buttons
     * after the card changed (a second approver a moment too late).
     */
    public Runnable staleClick(String user, Message message, String actionId, GrantId id) {
        ObjectNode payload = bot.deliver().blockActionPayload(user, message.channel(), message.ts(), actionId,
                id.toString());
        return () -> bot.deliver().transport().deliver(DeliveryTransport.Kind.INTERACTIVE, payload, WAIT);
    }

    /** Runs a click and returns what the bot answered the clicker. */
    public String answerTo(String user, Runnable click) {
        int before = responses(user).size();
        click.run();
        return awaitResponse(user, before);
    }

    /** ButtonActions a button that answers with a modal rather than a message. */
    public void press(String user, Message message, String actionId, GrantId id) {
        DeliveryResult r = bot.deliver().blockAction(user, message.channel(), message.ts(), actionId, id.toString());
        if (r.status() != 200) {
            throw new AssertionError("click answered " + r.status() + ": " + r.answer().body());
        }
    }

    /** Waits until the grant's stored timer {@code due} ({@code expire}, {@code warn}, {@code review}…) exists. */
    public void awaitTimer(GrantId id, String due) {
        var timers = bot.bean(dev.breakglass.bot.scheduling.JdbcTimerStore.class);
        var kind = dev.breakglass.port.GrantScheduler.Due.valueOf(due.toUpperCase(java.util.Locale.ROOT));
        RunningBot.await(WAIT, () -> timers.find(id, kind).isPresent(), () -> "no stored timer " + due + " of " + id);
    }

    /**
     * Fires the grant's stored timer {@code due} now, as the poller does when it comes due (the same handler, on the
     * same pool), and returns at once. The stored timer stays, as it would until its own time.
     */
    public void fire(GrantId id, String due) {
        awaitTimer(id, due);
        var kind = dev.breakglass.port.GrantScheduler.Due.valueOf(due.toUpperCase(java.util.Locale.ROOT));
        var handler = bot.bean(dev.breakglass.bot.scheduling.GrantDueHandler.class);
        bot.bean(dev.breakglass.bot.scheduling.GrantWork.class).execute(() -> handler.handle(id, kind));
    }

    private List<String> responses(String user) {
        return bot.slack().responseUrlPosts().stream().filter(p -> user.equals(p.user()))
                .map(p -> p.body().path("text").asText()).toList();
    }
}

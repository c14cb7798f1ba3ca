package dev.breakglass.bot.sandbox.transport;

import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.EmulatorState;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What users do, sent to the bot the way Slack sends it: slash commands, button clicks in messages and views,
 * modal submissions, opening the Home tab. Payload shapes follow slack-samples/requests and socket_mode.
 *
 * <p>Each delivery issues what Slack issues with it (a trigger_id for commands, clicks and submissions; a
 * response URL for commands and clicks on messages), waits for the bot's answer, and then acts on the answer as
 * Slack does, but only when it was HTTP 200 within the ack deadline (3 s; see {@link #withAckDeadline}):
 * <ul>
 *   <li>slash command: a body with {@code text}/{@code blocks} becomes an ephemeral message for the user, or a
 *       channel message with {@code response_type: in_channel};</li>
 *   <li>view submission: an empty body closes the modal; {@code response_action} {@code errors} keeps it open
 *       with the errors, {@code update} replaces it, {@code push} pushes another, {@code clear} closes all;</li>
 *   <li>clicks and events: the body is ignored.</li>
 * </ul>
 *
 * <p>Edge cases: a channel argument may be a user id, meaning the user's DM with the bot; clicking an
 * {@code action_id} that is not in the message or view, or acting as a user not in the directory, is a test
 * mistake and throws {@link IllegalArgumentException}; submitting a view that is closed or not the user's throws
 * {@link IllegalStateException}. Not emulated: retries of events (X-Slack-Retry-Num), shortcuts,
 * select menus with external data.
 */
public final class SlackDelivery {
    /** The command {@link #slashCommand(String, String, String)} sends. */
    public static final String DEFAULT_COMMAND = "/breakglass";
    /** The legacy verification token in every payload's {@code token} field. */
    public static final String VERIFICATION_TOKEN = "sandbox-verification-token";

    private final Workspace emulator;
    private final EmulatorState state;
    private final DeliveryTransport transport;
    private final Duration timeout;
    private final Duration ackDeadline;

    public SlackDelivery(Workspace emulator, DeliveryTransport transport) {
        this(emulator, transport, Duration.ofSeconds(10), BotAnswer.ACK_DEADLINE);
    }

    private SlackDelivery(Workspace emulator, DeliveryTransport transport, Duration timeout, Duration ackDeadline) {
        this.emulator = Objects.requireNonNull(emulator);
        this.state = emulator.state();
        this.transport = Objects.requireNonNull(transport);
        this.timeout = timeout;
        this.ackDeadline = ackDeadline;
    }

    /** How long to wait for the bot at most before {@link SlackDeliveryException} (default 10 s). */
    public SlackDelivery withTimeout(Duration timeout) {
        return new SlackDelivery(emulator, transport, timeout, ackDeadline);
    }

    /**
     * After how long an answer no longer counts (default 3 s, Slack's). Raise it only for a slow machine; a bot
     * that needs it would fail on Slack.
     */
    public SlackDelivery withAckDeadline(Duration ackDeadline) {
        return new SlackDelivery(emulator, transport, timeout, ackDeadline);
    }

    public DeliveryTransport transport() {
        return transport;
    }

    // ---------------------------------------------------------------- slash commands

    /** {@code /breakglass <text>} typed by a user in a channel (or a user id: their DM with the bot). */
    public DeliveryResult slashCommand(String userId, String channelId, String text) {
        return slashCommand(DEFAULT_COMMAND, userId, channelId, text);
    }

    /** Any slash command. */
    public DeliveryResult slashCommand(String command, String userId, String channelId, String text) {
        ObjectNode payload = slashCommandPayload(command, userId, channelId, text);
        String conversation = payload.get("channel_id").asText();
        DeliveryResult result = send(DeliveryTransport.Kind.SLASH_COMMAND, payload);
        if (result.applied() && result.json().isObject()) {
            // what Slack does with an acknowledgement body; a body without text or blocks does nothing
            state.applyResponse(conversation, userId, null, false, result.json(), "ack");
        }
        emulator.changed();
        return result;
    }

    /**
     * The payload of a slash command, with a fresh trigger_id and response URL: the form fields Slack sends
     * (slack-samples/requests/slash_command_form_body_*.txt), all strings, in Slack's order.
     */
    public ObjectNode slashCommandPayload(String command, String userId, String channelId, String text) {
        Directory.User user = user(userId);
        String conversation = conversation(channelId, userId);
        ObjectNode p = Json.object();
        p.put("token", VERIFICATION_TOKEN);
        p.put("team_id", state.team.id());
        p.put("team_domain", state.team.domain());
        p.put("channel_id", conversation);
        p.put("channel_name", state.channelName(conversation));
        p.put("user_id", user.id());
        p.put("user_name", user.name());
        p.put("command", command);
        p.put("text", text == null ? "" : text);
        p.put("api_app_id", state.bot.appId());
        p.put("is_enterprise_install", "false");
        p.put("response_url", emulator.issueResponseUrl(conversation, userId, null, false));
        p.put("trigger_id", emulator.issueTriggerId(userId));
        return p;
    }

    // ---------------------------------------------------------------- clicks

    /**
     * A click on an element of a message: a bot message in the conversation, or an ephemeral message the user
     * sees there (then the payload has no {@code message} and {@code container.is_ephemeral} is true, as Slack).
     *
     * @param value the button's value; {@code null} takes the element's own; for a {@code static_select} or
     *              {@code overflow}, the option value chosen
     */
    public DeliveryResult blockAction(String userId, String channelId, String messageTs, String actionId, String value) {
        return send(DeliveryTransport.Kind.INTERACTIVE, blockActionPayload(userId, channelId, messageTs, actionId, value));
    }

    /** The block_actions payload of a click on a message (issues a trigger_id and a response URL). */
    public ObjectNode blockActionPayload(String userId, String channelId, String messageTs, String actionId, String value) {
        Directory.User user = user(userId);
        String conversation = conversation(channelId, userId);
        Optional<EmulatorState.MutableMessage> message = state.findMessage(conversation, messageTs);
        Optional<EphemeralMessage> ephemeral = message.isPresent() ? Optional.empty()
                : state.findEphemeral(conversation, userId, messageTs);
        JsonNode blocks = message.map(m -> m.blocks).or(() -> ephemeral.map(EphemeralMessage::blocks))
                .orElseThrow(() -> new IllegalArgumentException(
                        "no message " + messageTs + " in " + conversation + " that " + userId + " can see"));
        ObjectNode action = action(blocks, actionId, value, "message " + messageTs);

        ObjectNode p = interactionHead("block_actions", user);
        ObjectNode container = p.putObject("container");
        container.put("type", "message");
        container.put("message_ts", messageTs);
        container.put("channel_id", conversation);
        container.put("is_ephemeral", ephemeral.isPresent());
        p.put("trigger_id", emulator.issueTriggerId(userId));
        p.set("team", team());
        p.putNull("enterprise");
        p.put("is_enterprise_install", false);
        ObjectNode channel = p.putObject("channel");
        channel.put("id", conversation);
        channel.put("name", state.channelName(conversation));
        message.ifPresent(m -> p.set("message", m.json(state.bot, state.team)));
        p.putObject("state").set("values", Json.object());
        p.put("response_url", emulator.issueResponseUrl(conversation, userId, messageTs, ephemeral.isPresent()));
        p.putArray("actions").add(action);
        return p;
    }

    /** A click on an element of a modal or Home tab (no response URL, as Slack). */
    public DeliveryResult viewBlockAction(String userId, String viewId, String actionId, String value) {
        return send(DeliveryTransport.Kind.INTERACTIVE, viewBlockActionPayload(userId, viewId, actionId, value));
    }

    /** The block_actions payload of a click in a view (issues a trigger_id). */
    public ObjectNode viewBlockActionPayload(String userId, String viewId, String actionId, String value) {
        Directory.User user = user(userId);
        EmulatorState.MutableView view = ownView(userId, viewId);
        ObjectNode action = action(view.json.path("blocks"), actionId, value, "view " + viewId);
        ObjectNode p = interactionHead("block_actions", user);
        ObjectNode container = p.putObject("container");
        container.put("type", "view");
        container.put("view_id", viewId);
        p.put("trigger_id", emulator.issueTriggerId(userId));
        p.set("team", team());
        p.putNull("enterprise");
        p.put("is_enterprise_install", false);
        p.set("view", view.json.deepCopy());
        p.set("state", view.json.path("state").deepCopy());
        p.putArray("actions").add(action);
        return p;
    }

    // ---------------------------------------------------------------- submissions

    /** The user presses the submit button of their open modal with these inputs. */
    public DeliveryResult viewSubmission(String userId, String viewId, ViewInput values) {
        EmulatorState.MutableView view = ownView(userId, viewId);
        if (!view.type.equals("modal")) {
            throw new IllegalStateException(viewId + " is a " + view.type + " view; only modals are submitted");
        }
        ObjectNode payload = viewSubmissionPayload(userId, viewId, values);
        DeliveryResult result = send(DeliveryTransport.Kind.INTERACTIVE, payload);
        if (result.applied()) {
            JsonNode answer = result.json();
            state.applySubmissionAnswer(view, answer.isObject() ? answer : null);
        }
        emulator.changed();
        return result;
    }

    /** The view_submission payload (records the state in the view; issues a trigger_id). */
    public ObjectNode viewSubmissionPayload(String userId, String viewId, ViewInput values) {
        Directory.User user = user(userId);
        EmulatorState.MutableView view = ownView(userId, viewId);
        ObjectNode submitted = state.submitState(view, values == null ? Json.object() : values.toJson());
        ObjectNode p = interactionHead("view_submission", user);
        p.set("team", team());
        p.put("trigger_id", emulator.issueTriggerId(userId));
        p.set("view", submitted);
        p.putArray("response_urls");
        p.putNull("enterprise");
        p.put("is_enterprise_install", false);
        return p;
    }

    /**
     * The user closes their open modal (the close button or the X). The modal closes whatever the bot does (Slack
     * does not wait for the app); only a view with {@code notify_on_close} sends the bot a {@code view_closed}
     * payload, and then the result carries the bot's answer. Without it, nothing is sent and the result is empty.
     */
    public Optional<DeliveryResult> viewClosed(String userId, String viewId) {
        EmulatorState.MutableView view = ownView(userId, viewId);
        if (!view.type.equals("modal")) {
            throw new IllegalStateException(viewId + " is a " + view.type + " view; only modals are closed");
        }
        boolean notify = view.json.path("notify_on_close").asBoolean(false);
        ObjectNode closedView = view.json.deepCopy();
        boolean cleared = state.closeModal(view);
        emulator.changed();
        if (!notify) {
            return Optional.empty();
        }
        ObjectNode p = interactionHead("view_closed", user(userId));
        p.set("team", team());
        p.set("view", closedView);
        p.put("is_cleared", cleared);
        p.putNull("enterprise");
        p.put("is_enterprise_install", false);
        return Optional.of(send(DeliveryTransport.Kind.INTERACTIVE, p));
    }

    // ---------------------------------------------------------------- events

    /** The user opens the bot's Home tab: an {@code app_home_opened} event. */
    public DeliveryResult appHomeOpened(String userId) {
        return send(DeliveryTransport.Kind.EVENT, appHomeOpenedPayload(userId));
    }

    /** The event_callback of {@code app_home_opened}, with the user's published view if there is one. */
    public ObjectNode appHomeOpenedPayload(String userId) {
        user(userId);
        ObjectNode event = Json.object();
        event.put("type", "app_home_opened");
        event.put("user", userId);
        event.put("channel", state.openDm(userId));
        event.put("tab", "home");
        state.homeView(userId).ifPresent(v -> event.set("view", v.view()));
        event.put("event_ts", state.nextTs());
        ObjectNode p = Json.object();
        p.put("token", VERIFICATION_TOKEN);
        p.put("team_id", state.team.id());
        p.put("api_app_id", state.bot.appId());
        p.set("event", event);
        p.put("type", "event_callback");
        p.put("event_id", state.nextEventId());
        p.put("event_time", state.now().getEpochSecond());
        ObjectNode auth = p.putArray("authorizations").addObject();
        auth.putNull("enterprise_id");
        auth.put("team_id", state.team.id());
        auth.put("user_id", state.bot.userId());
        auth.put("is_bot", true);
        auth.put("is_enterprise_install", false);
        p.put("is_ext_shared_channel", false);
        return p;
    }

    // ---------------------------------------------------------------- helpers

    private DeliveryResult send(DeliveryTransport.Kind kind, ObjectNode payload) {
        BotAnswer answer = transport.deliver(kind, payload, timeout);
        boolean applied = answer.acknowledged() && answer.elapsed().compareTo(ackDeadline) <= 0;
        String trigger = Json.text(payload, "trigger_id");
        String responseUrl = Json.text(payload, "response_url");
        return new DeliveryResult(payload, trigger, responseUrl, answer, applied);
    }

    private Directory.User user(String userId) {
        return state.directory.user(userId)
                .orElseThrow(() -> new IllegalArgumentException("no such user in the directory: " + userId));
    }

    private String conversation(String channelId, String userId) {
        if (state.directory.user(channelId).isPresent()) {
            return state.openDm(channelId);
        }
        return state.resolveConversation(channelId, false)
                .orElseThrow(() -> new IllegalArgumentException("no such channel: " + channelId));
    }

    private EmulatorState.MutableView ownView(String userId, String viewId) {
        EmulatorState.MutableView v = state.findView(viewId)
                .orElseThrow(() -> new IllegalArgumentException("no such view: " + viewId));
        if (!v.userId.equals(userId)) {
            throw new IllegalStateException(viewId + " is on " + v.userId + "'s screen, not " + userId + "'s");
        }
        if (v.closed) {
            throw new IllegalStateException(viewId + " is closed");
        }
        return v;
    }

    private ObjectNode team() {
        ObjectNode t = Json.object();
        t.put("id", state.team.id());
        t.put("domain", state.team.domain());
        return t;
    }

    private ObjectNode interactionHead(String type, Directory.User user) {
        ObjectNode p = Json.object();
        p.put("type", type);
        ObjectNode u = p.putObject("user");
        u.put("id", user.id());
        u.put("username", user.name());
        u.put("name", user.name());
        u.put("team_id", state.team.id());
        p.put("api_app_id", state.bot.appId());
        p.put("token", VERIFICATION_TOKEN);
        return p;
    }

    /** The {@code actions[0]} of a click on {@code actionId} in these blocks. */
    private ObjectNode action(JsonNode blocks, String actionId, String value, String where) {
        if (blocks != null) {
            for (JsonNode block : blocks) {
                for (JsonNode element : elements(block)) {
                    if (actionId.equals(element.path("action_id").asText(null))) {
                        return action(block, element, value);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no element with action_id " + actionId + " in " + where);
    }

    private static Iterable<JsonNode> elements(JsonNode block) {
        ArrayNode all = Json.array();
        if (block.path("type").asText().equals("actions")) {
            block.path("elements").forEach(all::add);
        }
        if (block.hasNonNull("accessory")) {
            all.add(block.get("accessory"));
        }
        if (block.hasNonNull("element")) {
            all.add(block.get("element"));
        }
        return all;
    }

    private ObjectNode action(JsonNode block, JsonNode element, String value) {
        String type = element.path("type").asText();
        ObjectNode a = Json.object();
        a.put("action_id", element.get("action_id").asText());
        a.put("block_id", block.path("block_id").asText());
        switch (type) {
            case "button" -> {
                if (element.has("text")) {
                    a.set("text", element.get("text").deepCopy());
                }
                String v = value != null ? value : Json.text(element, "value");
                if (v != null) {
                    a.put("value", v);
                }
                if (element.has("style")) {
                    a.put("style", element.get("style").asText());
                }
            }
            case "static_select", "overflow", "radio_buttons" -> {
                JsonNode chosen = null;
                for (JsonNode o : element.path("options")) {
                    if (o.path("value").asText().equals(value)) {
                        chosen = o;
                    }
                }
                if (chosen == null) {
                    throw new IllegalArgumentException("no option " + value + " in " + element.get("action_id").asText());
                }
                a.set("selected_option", chosen.deepCopy());
            }
            case "users_select" -> a.put("selected_user", value);
            default -> {
                if (value != null) {
                    a.put("value", value);
                }
            }
        }
        a.put("type", type);
        a.put("action_ts", state.nextTs());
        return a;
    }
}

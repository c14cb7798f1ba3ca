package dev.breakglass.bot.sandbox.webapi;

import dev.breakglass.bot.sandbox.state.ApiError;
import dev.breakglass.bot.sandbox.state.BlockKit;
import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.EmulatorState;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Web API methods: authentication, argument checks and answers in Slack's shapes (slack-samples/responses).
 * Stateless itself; {@link EmulatorState} holds the workspace.
 */
public final class WebApi {
    /** Scopes the bot token reports in {@code x-oauth-scopes}; Bolt reads them from auth.test's headers. */
    static final String BOT_SCOPES = "commands,chat:write,im:write,mpim:write,users:read,users:read.email,usergroups:read,"
            + "channels:history,groups:history,im:history";
    static final String APP_SCOPES = "connections:write";
    /** Slack cuts longer text and says so with this warning. */
    static final int MAX_TEXT = 40_000;

    /** What one call answers. */
    public record Answer(int status, Map<String, String> headers, ObjectNode body) {
    }

    private enum TokenKind { BOT, APP }

    private final EmulatorState state;
    private final String botToken;
    private final String appToken;
    private final Supplier<String> socketModeUrl;
    private final Map<String, Function<ObjectNode, ObjectNode>> methods = new LinkedHashMap<>();
    private static final Set<String> APP_TOKEN_METHODS = Set.of("apps.connections.open");

    public WebApi(EmulatorState state, String botToken, String appToken, Supplier<String> socketModeUrl) {
        this.state = state;
        this.botToken = botToken;
        this.appToken = appToken;
        this.socketModeUrl = socketModeUrl;
        methods.put("auth.test", p -> authTest());
        methods.put("chat.postMessage", this::chatPostMessage);
        methods.put("chat.update", this::chatUpdate);
        methods.put("chat.postEphemeral", this::chatPostEphemeral);
        methods.put("chat.getPermalink", this::chatGetPermalink);
        methods.put("views.open", p -> viewsOpen(p, false));
        methods.put("views.push", p -> viewsOpen(p, true));
        methods.put("views.update", this::viewsUpdate);
        methods.put("views.publish", this::viewsPublish);
        methods.put("conversations.open", this::conversationsOpen);
        methods.put("conversations.history", this::conversationsHistory);
        methods.put("conversations.replies", this::conversationsReplies);
        methods.put("users.info", this::usersInfo);
        methods.put("usergroups.users.list", this::usergroupsUsersList);
        methods.put("apps.connections.open", p -> appsConnectionsOpen());
    }

    /** The methods this emulator answers, in a stable order. */
    public List<String> methodNames() {
        return List.copyOf(methods.keySet());
    }

    /**
     * Answers one call. Order of checks, as Slack: unknown method, then authentication (no token →
     * {@code not_authed}, unknown token → {@code invalid_auth}, wrong kind of token →
     * {@code not_allowed_token_type}), then rate limit, then the method's own checks.
     */
    public Answer call(String method, ObjectNode params, String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        Function<ObjectNode, ObjectNode> handler = methods.get(method);
        if (handler == null) {
            ObjectNode body = error("unknown_method");
            body.put("req_method", method);
            return new Answer(200, headers, body);
        }
        if (token == null || token.isEmpty()) {
            return new Answer(200, headers, error("not_authed"));
        }
        TokenKind kind;
        if (token.equals(botToken)) {
            kind = TokenKind.BOT;
        } else if (appToken != null && token.equals(appToken)) {
            kind = TokenKind.APP;
        } else {
            return new Answer(200, headers, error("invalid_auth"));
        }
        headers.put("x-oauth-scopes", kind == TokenKind.BOT ? BOT_SCOPES : APP_SCOPES);
        if ((kind == TokenKind.APP) != APP_TOKEN_METHODS.contains(method)) {
            return new Answer(200, headers, error("not_allowed_token_type"));
        }
        Integer retryAfter = state.takeRateLimit(method);
        if (retryAfter != null) {
            headers.put("Retry-After", Integer.toString(retryAfter));
            return new Answer(429, headers, error("ratelimited"));
        }
        try {
            return new Answer(200, headers, handler.apply(params));
        } catch (ApiError e) {
            ObjectNode body = error(e.error);
            if (!e.messages.isEmpty()) {
                e.messages.forEach(body.putObject("response_metadata").putArray("messages")::add);
            }
            return new Answer(200, headers, body);
        }
    }

    public static ObjectNode error(String error) {
        ObjectNode body = Json.object();
        body.put("ok", false);
        body.put("error", error);
        return body;
    }

    private static ObjectNode ok() {
        ObjectNode body = Json.object();
        body.put("ok", true);
        return body;
    }

    // ---------------------------------------------------------------- auth, apps

    private ObjectNode authTest() {
        ObjectNode body = ok();
        body.put("url", state.team.url());
        body.put("team", state.team.name());
        body.put("user", state.bot.name());
        body.put("team_id", state.team.id());
        body.put("user_id", state.bot.userId());
        body.put("bot_id", state.bot.botId());
        body.put("is_enterprise_install", false);
        return body;
    }

    private ObjectNode appsConnectionsOpen() {
        ObjectNode body = ok();
        body.put("url", socketModeUrl.get());
        return body;
    }

    // ---------------------------------------------------------------- chat

    /** The message content of chat.* arguments: text (cut at 40,000) and checked blocks. */
    private record Content(String text, JsonNode blocks, boolean truncated) {
    }

    private Content content(ObjectNode p, boolean required) {
        String text = Json.text(p, "text");
        JsonNode blocks = p.get("blocks");
        if (blocks != null && (blocks.isNull() || (blocks.isTextual() && blocks.asText().isEmpty()))) {
            blocks = null;
        }
        if (blocks != null && !blocks.isArray()) {
            // a string here means it did not parse as JSON
            throw new ApiError("invalid_blocks_format");
        }
        boolean hasAttachments = p.hasNonNull("attachments");
        if (required && text == null && blocks == null && !hasAttachments) {
            throw new ApiError("no_text");
        }
        if (blocks != null) {
            List<String> problems = BlockKit.checkMessageBlocks(blocks);
            if (!problems.isEmpty()) {
                throw new ApiError("invalid_blocks", problems);
            }
            blocks = BlockKit.withIds(blocks, state::shortId);
        }
        boolean truncated = text != null && text.length() > MAX_TEXT;
        if (truncated) {
            text = text.substring(0, MAX_TEXT);
        }
        return new Content(text, blocks, truncated);
    }

    private static void warnIfTruncated(ObjectNode body, Content c) {
        if (c.truncated()) {
            body.put("warning", "message_truncated");
            body.putObject("response_metadata").putArray("warnings").add("message_truncated");
        }
    }

    private ObjectNode chatPostMessage(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), true)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        Content c = content(p, true);
        JsonNode metadata = p.get("metadata");
        if (metadata != null && !metadata.isNull() && (!metadata.isObject()
                || Json.text(metadata, "event_type") == null || !metadata.path("event_payload").isObject())) {
            throw new ApiError("invalid_metadata_format");
        }
        EmulatorState.MutableMessage m = state.post(conversation, c.text(), c.blocks(), Json.text(p, "thread_ts"),
                "chat.postMessage");
        if (metadata != null && metadata.isObject()) {
            m.metadata = metadata.deepCopy();
        }
        ObjectNode body = ok();
        body.put("channel", conversation);
        body.put("ts", m.ts);
        body.set("message", m.json(state.bot, state.team));
        warnIfTruncated(body, c);
        return body;
    }

    private ObjectNode chatUpdate(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), false)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        String ts = Json.text(p, "ts");
        EmulatorState.MutableMessage m = (ts == null ? java.util.Optional.<EmulatorState.MutableMessage>empty()
                : state.findMessage(conversation, ts)).orElseThrow(() -> new ApiError("message_not_found"));
        if (!state.bot.userId().equals(m.user)) {
            throw new ApiError("cant_update_message");
        }
        Content c = content(p, true);
        state.update(m, c.text(), c.blocks(), "chat.update");
        ObjectNode body = ok();
        body.put("channel", conversation);
        body.put("ts", m.ts);
        body.put("text", m.text);
        body.set("message", m.json(state.bot, state.team));
        warnIfTruncated(body, c);
        return body;
    }

    private ObjectNode chatPostEphemeral(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), false)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        String user = Json.text(p, "user");
        if (user == null || state.directory.user(user).isEmpty()
                || state.dmUser(conversation).map(u -> !u.equals(user)).orElse(false)) {
            throw new ApiError("user_not_in_channel");
        }
        Content c = content(p, true);
        EphemeralMessage e = state.postEphemeral(conversation, user, c.text(), c.blocks(), Json.text(p, "thread_ts"),
                "chat.postEphemeral");
        ObjectNode body = ok();
        body.put("message_ts", e.messageTs());
        warnIfTruncated(body, c);
        return body;
    }

    private ObjectNode chatGetPermalink(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), false)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        String ts = Json.text(p, "message_ts");
        EmulatorState.MutableMessage m = (ts == null ? java.util.Optional.<EmulatorState.MutableMessage>empty()
                : state.findMessage(conversation, ts)).orElseThrow(() -> new ApiError("message_not_found"));
        String permalink = state.team.url() + "archives/" + conversation + "/p" + m.ts.replace(".", "");
        if (m.threadTs != null) {
            permalink += "?thread_ts=" + m.threadTs + "&cid=" + conversation;
        }
        ObjectNode body = ok();
        body.put("channel", conversation);
        body.put("permalink", permalink);
        return body;
    }

    // ---------------------------------------------------------------- views

    private static ObjectNode viewArgument(ObjectNode p, String expectedType) {
        JsonNode view = p.get("view");
        if (view == null || view.isNull()) {
            throw new ApiError("invalid_arguments", List.of("[ERROR] missing required field: view"));
        }
        if (!view.isObject()) {
            throw new ApiError("invalid_arguments", List.of("[ERROR] invalid json [json-pointer:/view]"));
        }
        List<String> problems = BlockKit.checkView(view, expectedType);
        if (!problems.isEmpty()) {
            throw new ApiError("invalid_arguments", problems);
        }
        return (ObjectNode) view;
    }

    private ObjectNode viewsOpen(ObjectNode p, boolean push) {
        String triggerId = Json.text(p, "trigger_id");
        if (triggerId == null) {
            throw new ApiError("invalid_arguments", List.of("invalid `trigger_id`"));
        }
        ObjectNode view = viewArgument(p, "modal");
        // the view is checked before the trigger is used, so a bad view does not burn the trigger
        String user = state.exchangeTrigger(triggerId);
        ObjectNode body = ok();
        body.set("view", state.openModal(user, view, push));
        return body;
    }

    private ObjectNode viewsUpdate(ObjectNode p) {
        String viewId = Json.text(p, "view_id");
        String externalId = Json.text(p, "external_id");
        if (viewId == null && externalId == null) {
            throw new ApiError("invalid_arguments", List.of("[ERROR] either view_id or external_id is required"));
        }
        JsonNode raw = p.get("view");
        String type = raw != null && raw.isObject() ? raw.path("type").asText("modal") : "modal";
        ObjectNode view = viewArgument(p, type.equals("home") ? "home" : "modal");
        ObjectNode body = ok();
        body.set("view", state.updateView(viewId, externalId, view, Json.text(p, "hash")));
        return body;
    }

    private ObjectNode viewsPublish(ObjectNode p) {
        String user = Json.text(p, "user_id");
        if (user == null || state.directory.user(user).isEmpty()) {
            throw new ApiError("invalid_arguments", List.of("invalid `user_id`"));
        }
        ObjectNode view = viewArgument(p, "home");
        ObjectNode body = ok();
        body.set("view", state.publishHome(user, view, Json.text(p, "hash")));
        return body;
    }

    // ---------------------------------------------------------------- conversations, users, groups

    /**
     * A conversation's messages, newest first: {@code channel} (required), {@code oldest}/{@code latest} (exclusive /
     * inclusive ts bounds), {@code limit} (default 100, at most 999), {@code include_all_metadata}. Thread replies are
     * left out, as Slack does; no paging (the answer says there is no more).
     */
    private ObjectNode conversationsHistory(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), false)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        return messages(p, state.history(conversation, Json.text(p, "oldest"), Json.text(p, "latest"),
                limit(p, 100, 999)));
    }

    /** The {@code limit} argument: {@code otherwise} when absent, kept within 1..{@code max}. */
    private static int limit(ObjectNode p, int otherwise, int max) {
        String asked = Json.text(p, "limit");
        if (asked == null) {
            return otherwise;
        }
        try {
            return Math.max(1, Math.min(max, Integer.parseInt(asked)));
        } catch (NumberFormatException e) {
            throw new ApiError("invalid_limit");
        }
    }

    /** A list of messages as Slack answers it, with their metadata when {@code include_all_metadata} asks. */
    private ObjectNode messages(ObjectNode p, List<EmulatorState.MutableMessage> messages) {
        boolean metadata = Json.flag(p, "include_all_metadata");
        ObjectNode body = ok();
        var list = body.putArray("messages");
        for (EmulatorState.MutableMessage m : messages) {
            ObjectNode json = m.json(state.bot, state.team);
            if (metadata && m.metadata != null) {
                json.set("metadata", m.metadata.deepCopy());
            }
            list.add(json);
        }
        body.put("has_more", false);
        return body;
    }

    /** A thread: the parent then its replies, oldest first ({@code thread_not_found} for an unknown ts). */
    private ObjectNode conversationsReplies(ObjectNode p) {
        String conversation = state.resolveConversation(Json.text(p, "channel"), false)
                .orElseThrow(() -> new ApiError("channel_not_found"));
        String ts = Json.text(p, "ts");
        if (ts == null) {
            throw new ApiError("invalid_arguments");
        }
        var thread = state.replies(conversation, ts, Json.text(p, "oldest"), limit(p, 1000, 1000));
        if (thread.isEmpty()) {
            throw new ApiError("thread_not_found");
        }
        return messages(p, thread);
    }

    private ObjectNode conversationsOpen(ObjectNode p) {
        String users = Json.text(p, "users");
        String channel = Json.text(p, "channel");
        boolean returnIm = Json.flag(p, "return_im");
        if (users == null) {
            if (channel == null) {
                throw new ApiError("users_list_not_supplied");
            }
            // resuming a conversation by its id
            String id = state.dmUser(channel).map(u -> channel)
                    .orElseThrow(() -> new ApiError("channel_not_found"));
            return openAnswer(id, state.dmUser(id).orElse(null), true, returnIm);
        }
        List<String> ids = Arrays.stream(users.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (ids.isEmpty()) {
            throw new ApiError("users_list_not_supplied");
        }
        if (ids.size() > 8) {
            throw new ApiError("too_many_users");
        }
        for (String id : ids) {
            if (id.equals(state.bot.userId())) {
                throw new ApiError("cannot_dm_bot");
            }
            if (state.directory.user(id).isEmpty()) {
                throw new ApiError("user_not_found");
            }
        }
        if (ids.size() == 1) {
            boolean existed = state.hasDm(ids.get(0));
            return openAnswer(state.openDm(ids.get(0)), ids.get(0), existed, returnIm);
        }
        boolean existed = state.hasMpim(ids);
        return openAnswer(state.openMpim(ids), null, existed, false);
    }

    private ObjectNode openAnswer(String id, String user, boolean existed, boolean full) {
        ObjectNode body = ok();
        if (existed) {
            body.put("no_op", true);
            body.put("already_open", true);
        }
        ObjectNode channel = body.putObject("channel");
        channel.put("id", id);
        if (full && user != null) {
            channel.put("created", state.now().getEpochSecond());
            channel.put("is_im", true);
            channel.put("is_org_shared", false);
            channel.put("user", user);
            channel.put("is_user_deleted", false);
            channel.put("priority", 0);
        }
        return body;
    }

    private ObjectNode usersInfo(ObjectNode p) {
        String id = Json.text(p, "user");
        if (id != null && id.equals(state.bot.userId())) {
            return userAnswer(new Directory.User(id, state.bot.name(), state.bot.name(), "", "", "UTC", true), true);
        }
        Directory.User user = (id == null ? java.util.Optional.<Directory.User>empty() : state.directory.user(id))
                .orElseThrow(() -> new ApiError("user_not_found"));
        return userAnswer(user, false);
    }

    private ObjectNode userAnswer(Directory.User u, boolean isOurBot) {
        ZoneId zone = ZoneId.of(u.tz());
        ZoneRules rules = zone.getRules();
        boolean dst = rules.isDaylightSavings(state.now());
        ObjectNode body = ok();
        ObjectNode user = body.putObject("user");
        user.put("id", u.id());
        user.put("team_id", state.team.id());
        user.put("name", u.name());
        user.put("deleted", false);
        user.put("color", String.format("%06x", u.id().hashCode() & 0xffffff));
        user.put("real_name", u.realName());
        user.put("tz", u.tz());
        user.put("tz_label", TimeZone.getTimeZone(zone).getDisplayName(dst, TimeZone.LONG, Locale.US));
        user.put("tz_offset", rules.getOffset(state.now()).getTotalSeconds());
        ObjectNode profile = user.putObject("profile");
        profile.put("title", u.title());
        profile.put("phone", "");
        profile.put("skype", "");
        profile.put("real_name", u.realName());
        profile.put("real_name_normalized", u.realName());
        int space = u.realName().indexOf(' ');
        profile.put("first_name", space < 0 ? u.realName() : u.realName().substring(0, space));
        profile.put("last_name", space < 0 ? "" : u.realName().substring(space + 1));
        profile.put("display_name", u.name());
        profile.put("display_name_normalized", u.name());
        profile.put("status_text", "");
        profile.put("status_emoji", "");
        profile.put("avatar_hash", "g" + Integer.toHexString(u.id().hashCode() & 0xfffffff));
        if (!u.email().isEmpty()) {
            profile.put("email", u.email());
        }
        if (isOurBot) {
            profile.put("bot_id", state.bot.botId());
            profile.put("api_app_id", state.bot.appId());
        }
        profile.put("team", state.team.id());
        user.put("is_admin", false);
        user.put("is_owner", false);
        user.put("is_primary_owner", false);
        user.put("is_restricted", false);
        user.put("is_ultra_restricted", false);
        user.put("is_bot", u.isBot());
        user.put("is_app_user", false);
        user.put("updated", 1_700_000_000L);
        user.put("has_2fa", false);
        user.put("is_email_confirmed", !u.email().isEmpty());
        return body;
    }

    private ObjectNode usergroupsUsersList(ObjectNode p) {
        String id = Json.text(p, "usergroup");
        if (id == null) {
            throw new ApiError("invalid_arguments", List.of("[ERROR] missing required field: usergroup"));
        }
        Directory.UserGroup group = state.directory.group(id).orElseThrow(() -> new ApiError("no_such_subteam"));
        ObjectNode body = ok();
        group.memberIds().forEach(body.putArray("users")::add);
        return body;
    }
}

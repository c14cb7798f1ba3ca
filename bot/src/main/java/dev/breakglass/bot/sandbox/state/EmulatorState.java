package dev.breakglass.bot.sandbox.state;

import dev.breakglass.bot.sandbox.SlackEmulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Everything the emulated workspace remembers. Every method is synchronized on the instance: the Web API
 * threads, the WebSocket threads and the test thread all come through here, and no method blocks.
 */
public final class EmulatorState {
    static final Duration TRIGGER_LIFETIME = Duration.ofSeconds(3);
    public static final Duration RESPONSE_URL_LIFETIME = Duration.ofMinutes(30);
    public static final int RESPONSE_URL_USES = 5;
    static final int VIEW_STACK_DEPTH = 3;

    public final Clock clock;
    public final Team team;
    public final BotIdentity bot;
    /** Swapped whole by {@link SlackEmulator#setGroupMembers} (a workspace admin editing a group); never edited. */
    public volatile Directory directory;

    private long lastTsMicros;
    private long viewSeq;
    private long triggerSeq;
    private long responseSeq;
    private long eventSeq;
    private long callSeq;
    // Fixed seed: the same run of a test fills in the same block_ids, which keeps failures reproducible.
    private final Random random = new Random(0x5EED);

    private final Map<String, String> dmByUser = new LinkedHashMap<>();
    private final Map<String, String> userByDm = new LinkedHashMap<>();
    private final Map<List<String>, String> mpimByMembers = new LinkedHashMap<>();
    private final Map<String, List<String>> membersByMpim = new LinkedHashMap<>();
    private final Map<String, List<MutableMessage>> messages = new LinkedHashMap<>();
    private final List<EphemeralMessage> ephemerals = new ArrayList<>();
    private final Map<String, MutableView> views = new LinkedHashMap<>();
    private final Map<String, String> homeByUser = new HashMap<>();
    private final Map<String, List<String>> modalStackByUser = new HashMap<>();
    private final Map<String, Trigger> triggers = new HashMap<>();
    private final Map<String, ResponseUrl> responseUrls = new HashMap<>();
    private final List<ResponseUrlPost> responsePosts = new ArrayList<>();
    private final List<RecordedCall> calls = new ArrayList<>();
    private final Map<String, int[]> rateLimits = new HashMap<>();

    public EmulatorState(Clock clock, Team team, BotIdentity bot, Directory directory) {
        this.clock = clock;
        this.team = team;
        this.bot = bot;
        this.directory = directory;
    }

    public Instant now() {
        return clock.instant();
    }

    // ---------------------------------------------------------------- ids

    /** A unique, increasing message ts from the clock: seconds, a dot, six digits of microseconds. */
    public synchronized String nextTs() {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
        // A fixed or slow clock must still give distinct, increasing ts values: step past the last one.
        lastTsMicros = Math.max(micros, lastTsMicros + 100);
        return String.format("%d.%06d", lastTsMicros / 1_000_000L, lastTsMicros % 1_000_000L);
    }

    /** A short random id like the block_ids Slack fills in ({@code "hltsY"}). */
    public synchronized String shortId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    synchronized String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public synchronized String nextEventId() {
        return String.format("Ev%08d", ++eventSeq);
    }

    /** {@code hash} of a view: changes with every version, like Slack's {@code "156772938.1827394"}. */
    private String viewHash() {
        return clock.instant().getEpochSecond() + "." + hex(4);
    }

    // ---------------------------------------------------------------- conversations

    /**
     * The conversation a {@code channel} argument names: a known channel id, a DM id the emulator opened, a
     * user id (Slack posts to the DM with that user; the DM is opened if needed) or {@code #name}.
     */
    public synchronized Optional<String> resolveConversation(String channel, boolean userIdOpensDm) {
        if (channel == null) {
            return Optional.empty();
        }
        if (directory.channel(channel).isPresent() || userByDm.containsKey(channel) || membersByMpim.containsKey(channel)) {
            return Optional.of(channel);
        }
        if (channel.startsWith("#")) {
            String name = channel.substring(1);
            return directory.channels().stream().filter(c -> c.name().equals(name)).map(Directory.Channel::id).findFirst();
        }
        if (userIdOpensDm && directory.user(channel).isPresent()) {
            return Optional.of(openDm(channel));
        }
        return Optional.empty();
    }

    public synchronized boolean hasDm(String userId) {
        return dmByUser.containsKey(userId);
    }

    /** The DM with this user, opened on first use: {@code D} + the user id without its first letter. */
    public synchronized String openDm(String userId) {
        return dmByUser.computeIfAbsent(userId, u -> {
            String id = "D" + u.substring(1);
            while (userByDm.containsKey(id) || directory.channel(id).isPresent()) {
                id = id + "X";
            }
            userByDm.put(id, u);
            return id;
        });
    }

    /**
     * The multi-person DM of these users (sorted, the bot not counted), opened on first use. Its id starts
     * with {@code G} like Slack's mpims; its name is {@code mpdm-a--b--c-1}.
     */
    public synchronized String openMpim(List<String> userIds) {
        List<String> key = userIds.stream().sorted().distinct().toList();
        return mpimByMembers.computeIfAbsent(key, k -> {
            String id = String.format("G0MPIM%04d", mpimByMembers.size() + 1);
            membersByMpim.put(id, k);
            return id;
        });
    }

    public synchronized boolean hasMpim(List<String> userIds) {
        return mpimByMembers.containsKey(userIds.stream().sorted().distinct().toList());
    }

    /** The user of a DM, if the id is a DM. */
    public synchronized Optional<String> dmUser(String conversationId) {
        return Optional.ofNullable(userByDm.get(conversationId));
    }

    /** The name Slack puts in {@code channel_name}: the channel's name, or {@code directmessage} for a DM. */
    public synchronized String channelName(String conversationId) {
        if (userByDm.containsKey(conversationId)) {
            return "directmessage";
        }
        List<String> mpim = membersByMpim.get(conversationId);
        if (mpim != null) {
            StringBuilder name = new StringBuilder("mpdm");
            for (String u : mpim) {
                name.append(name.length() == 4 ? "-" : "--").append(directory.user(u).map(Directory.User::name).orElse(u));
            }
            return name.append("-1").toString();
        }
        return directory.channel(conversationId).map(Directory.Channel::name).orElse(conversationId);
    }

    // ---------------------------------------------------------------- messages

    public synchronized MutableMessage post(String conversation, String text, JsonNode blocks, String threadTs, String via) {
        MutableMessage m = new MutableMessage(conversation, nextTs(), bot.userId(), bot.botId(), threadTs);
        m.revise(text == null ? "" : text, blocks, now(), via);
        messages.computeIfAbsent(conversation, c -> new ArrayList<>()).add(m);
        return m;
    }

    /**
     * The conversation's top-level messages (not thread replies, not deleted) with {@code oldest < ts <= latest},
     * newest first, at most {@code limit}: what {@code conversations.history} answers.
     */
    public synchronized List<MutableMessage> history(String conversation, String oldest, String latest, int limit) {
        java.math.BigDecimal from = new java.math.BigDecimal(oldest == null ? "0" : oldest);
        java.math.BigDecimal to = latest == null ? null : new java.math.BigDecimal(latest);
        List<MutableMessage> found = new ArrayList<>();
        List<MutableMessage> all = messages.getOrDefault(conversation, List.of());
        for (int i = all.size() - 1; i >= 0 && found.size() < limit; i--) {
            MutableMessage m = all.get(i);
            java.math.BigDecimal ts = new java.math.BigDecimal(m.ts);
            if (!m.deleted && (m.threadTs == null || m.threadTs.equals(m.ts)) && ts.compareTo(from) > 0
                    && (to == null || ts.compareTo(to) <= 0)) {
                found.add(m);
            }
        }
        return found;
    }

    /**
     * A thread as {@code conversations.replies} gives it: the parent {@code ts} then its replies (not deleted), oldest
     * first, with {@code oldest < ts} for the replies, at most {@code limit}; empty when no message has that ts.
     */
    public synchronized List<MutableMessage> replies(String conversation, String ts, String oldest, int limit) {
        java.math.BigDecimal from = new java.math.BigDecimal(oldest == null ? "0" : oldest);
        List<MutableMessage> found = new ArrayList<>();
        for (MutableMessage m : messages.getOrDefault(conversation, List.of())) {
            if (found.size() >= limit || m.deleted) {
                continue;
            }
            if (m.ts.equals(ts) || (ts.equals(m.threadTs) && new java.math.BigDecimal(m.ts).compareTo(from) > 0)) {
                found.add(m);
            }
        }
        return found.isEmpty() || !found.get(0).ts.equals(ts) ? List.of() : found;
    }

    public synchronized Optional<MutableMessage> findMessage(String conversation, String ts) {
        return messages.getOrDefault(conversation, List.of()).stream()
                .filter(m -> m.ts.equals(ts) && !m.deleted).findFirst();
    }

    /** Changes a message; a {@code null} text or blocks keeps the current one (as chat.update does). */
    public synchronized MutableMessage update(MutableMessage m, String text, JsonNode blocks, String via) {
        m.revise(text != null ? text : m.text, blocks != null ? blocks : m.blocks, now(), via);
        return m;
    }

    synchronized void delete(MutableMessage m) {
        m.deleted = true;
    }

    public synchronized List<Message> messages(String conversation) {
        return messages.getOrDefault(conversation, List.of()).stream().map(MutableMessage::snapshot).toList();
    }

    public synchronized List<Message> messagesFrom(String conversation, int from) {
        List<MutableMessage> all = messages.getOrDefault(conversation, List.of());
        return all.subList(Math.min(from, all.size()), all.size()).stream().map(MutableMessage::snapshot).toList();
    }

    public synchronized Map<String, List<Message>> allMessages() {
        Map<String, List<Message>> all = new LinkedHashMap<>();
        messages.forEach((c, list) -> all.put(c, list.stream().map(MutableMessage::snapshot).toList()));
        return all;
    }

    // ---------------------------------------------------------------- ephemeral messages

    public synchronized EphemeralMessage postEphemeral(String conversation, String user, String text, JsonNode blocks,
                                                String threadTs, String via) {
        EphemeralMessage e = new EphemeralMessage(conversation, user, nextTs(), text == null ? "" : text,
                blocks, threadTs, now(), via);
        ephemerals.add(e);
        return e;
    }

    public synchronized Optional<EphemeralMessage> findEphemeral(String conversation, String user, String ts) {
        return ephemerals.stream().filter(isEphemeral(conversation, user, ts)).findFirst();
    }

    synchronized boolean replaceEphemeral(String conversation, String user, String ts, String text, JsonNode blocks,
                                          String via) {
        for (int i = 0; i < ephemerals.size(); i++) {
            EphemeralMessage e = ephemerals.get(i);
            if (isEphemeral(conversation, user, ts).test(e)) {
                ephemerals.set(i, new EphemeralMessage(e.channel(), e.user(), e.messageTs(),
                        text == null ? "" : text, blocks, e.threadTs(), now(), via));
                return true;
            }
        }
        return false;
    }

    synchronized boolean deleteEphemeral(String conversation, String user, String ts) {
        return ephemerals.removeIf(isEphemeral(conversation, user, ts));
    }

    private static Predicate<EphemeralMessage> isEphemeral(String conversation, String user, String ts) {
        return e -> e.channel().equals(conversation) && e.user().equals(user) && e.messageTs().equals(ts);
    }

    public synchronized List<EphemeralMessage> ephemerals(Predicate<EphemeralMessage> filter) {
        return ephemerals.stream().filter(filter).toList();
    }

    // ---------------------------------------------------------------- triggers

    /** A fresh trigger_id for this user, in Slack's {@code "132456.7890123.abcdef…"} form. */
    public synchronized String issueTrigger(String userId) {
        String id = (1_000_000L + ++triggerSeq) + "." + Math.abs(team.id().hashCode() % 100_000_000) + "." + hex(16);
        triggers.put(id, new Trigger(id, userId, now()));
        return id;
    }

    /**
     * Uses a trigger once. Errors: {@code invalid_trigger_id} (not issued here or malformed),
     * {@code expired_trigger_id} (3 s or more old), {@code exchanged_trigger_id} (already used).
     */
    public synchronized String exchangeTrigger(String triggerId) {
        Trigger t = triggers.get(triggerId);
        if (t == null) {
            throw new ApiError("invalid_trigger_id");
        }
        if (t.exchanged) {
            throw new ApiError("exchanged_trigger_id");
        }
        if (Duration.between(t.issuedAt, now()).compareTo(TRIGGER_LIFETIME) >= 0) {
            throw new ApiError("expired_trigger_id");
        }
        t.exchanged = true;
        return t.userId;
    }

    // ---------------------------------------------------------------- views

    public synchronized ObjectNode openModal(String userId, ObjectNode in, boolean push) {
        List<String> stack = modalStackByUser.computeIfAbsent(userId, u -> new ArrayList<>());
        stack.removeIf(id -> views.get(id).closed);
        if (push) {
            if (stack.isEmpty()) {
                // views.push needs a modal to push onto; Slack refuses a push trigger from outside a modal
                throw new ApiError("invalid_arguments", List.of("[ERROR] no open modal to push onto [json-pointer:/trigger_id]"));
            }
            if (stack.size() >= VIEW_STACK_DEPTH) {
                throw new ApiError("push_limit_reached");
            }
        } else {
            // views.open replaces whatever modal the user had open
            stack.forEach(id -> views.get(id).closed = true);
            stack.clear();
        }
        String id = nextViewId();
        String root = stack.isEmpty() ? id : stack.get(0);
        String previous = stack.isEmpty() ? null : stack.get(stack.size() - 1);
        checkExternalId(in, null);
        ObjectNode json = viewJson(id, in, root, previous, emptyState());
        MutableView v = new MutableView(id, userId, "modal", json);
        views.put(id, v);
        stack.add(id);
        return json.deepCopy();
    }

    public synchronized ObjectNode updateView(String viewId, String externalId, ObjectNode in, String hash) {
        MutableView v = null;
        if (viewId != null) {
            v = views.get(viewId);
        } else if (externalId != null) {
            v = views.values().stream().filter(x -> externalId.equals(x.json.path("external_id").asText(null)))
                    .findFirst().orElse(null);
        }
        if (v == null || v.closed) {
            throw new ApiError("not_found");
        }
        if (hash != null && !hash.equals(v.json.path("hash").asText())) {
            throw new ApiError("hash_conflict");
        }
        if (!v.type.equals(in.path("type").asText())) {
            throw new ApiError("invalid_arguments", List.of("[ERROR] must be " + v.type + " [json-pointer:/view/type]"));
        }
        checkExternalId(in, v.id);
        ObjectNode json = viewJson(v.id, in, v.json.path("root_view_id").asText(v.id),
                v.json.path("previous_view_id").isNull() ? null : v.json.path("previous_view_id").asText(),
                (ObjectNode) v.json.get("state"));
        v.revise(json);
        v.errors = null;
        return json.deepCopy();
    }

    public synchronized ObjectNode publishHome(String userId, ObjectNode in, String hash) {
        String existing = homeByUser.get(userId);
        MutableView v = existing == null ? null : views.get(existing);
        if (v != null && hash != null && !hash.equals(v.json.path("hash").asText())) {
            throw new ApiError("hash_conflict");
        }
        String id = v == null ? nextViewId() : v.id;
        checkExternalId(in, id);
        ObjectNode json = viewJson(id, in, id, null, emptyState());
        if (v == null) {
            v = new MutableView(id, userId, "home", json);
            views.put(id, v);
            homeByUser.put(userId, id);
        } else {
            v.revise(json);
        }
        return json.deepCopy();
    }

    private void checkExternalId(ObjectNode in, String ownViewId) {
        String externalId = Json.text(in, "external_id");
        if (externalId != null && views.values().stream().anyMatch(x -> !x.id.equals(ownViewId) && !x.closed
                && externalId.equals(x.json.path("external_id").asText(null)))) {
            throw new ApiError("duplicate_external_id");
        }
    }

    private String nextViewId() {
        return String.format("V%08d", ++viewSeq);
    }

    private static ObjectNode emptyState() {
        ObjectNode state = Json.object();
        state.putObject("values");
        return state;
    }

    /** The view object as Slack answers it: what the app sent plus ids, hash, state and defaults. */
    private ObjectNode viewJson(String id, ObjectNode in, String rootId, String previousId, ObjectNode state) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("team_id", team.id());
        out.put("type", in.path("type").asText());
        out.set("blocks", BlockKit.withIds(in.path("blocks").isArray() ? in.get("blocks") : Json.array(), this::shortId));
        out.put("private_metadata", in.path("private_metadata").asText(""));
        out.put("callback_id", in.path("callback_id").asText(""));
        out.set("state", state.deepCopy());
        out.put("hash", viewHash());
        out.set("title", in.hasNonNull("title") ? in.get("title").deepCopy() : NullNode.getInstance());
        out.put("clear_on_close", Json.flag(in, "clear_on_close"));
        out.put("notify_on_close", Json.flag(in, "notify_on_close"));
        out.set("close", in.hasNonNull("close") ? in.get("close").deepCopy() : NullNode.getInstance());
        out.set("submit", in.hasNonNull("submit") ? in.get("submit").deepCopy() : NullNode.getInstance());
        if (previousId == null) {
            out.putNull("previous_view_id");
        } else {
            out.put("previous_view_id", previousId);
        }
        out.put("root_view_id", rootId);
        out.put("app_id", bot.appId());
        out.put("external_id", in.path("external_id").asText(""));
        out.put("app_installed_team_id", team.id());
        out.put("bot_id", bot.botId());
        return out;
    }

    public synchronized Optional<MutableView> findView(String viewId) {
        return Optional.ofNullable(views.get(viewId));
    }

    public synchronized Optional<SlackView> view(String viewId) {
        return Optional.ofNullable(views.get(viewId)).map(MutableView::snapshot);
    }

    public synchronized Optional<SlackView> homeView(String userId) {
        return Optional.ofNullable(homeByUser.get(userId)).map(views::get).map(MutableView::snapshot);
    }

    public synchronized List<SlackView> modals(String userId) {
        return views.values().stream().filter(v -> v.type.equals("modal") && v.userId.equals(userId))
                .map(MutableView::snapshot).toList();
    }

    public synchronized List<SlackView> allViews() {
        return views.values().stream().map(MutableView::snapshot).toList();
    }

    /** Records the state a user submitted: Slack keeps it in the view object it sends and answers later. */
    public synchronized ObjectNode submitState(MutableView v, JsonNode values) {
        ObjectNode state = Json.object();
        state.set("values", values == null ? Json.object() : values.deepCopy());
        v.json.set("state", state);
        return v.json.deepCopy();
    }

    /** The bot's answer to a view_submission: close, keep with errors, update, push or clear. */
    public synchronized void applySubmissionAnswer(MutableView v, JsonNode answer) {
        String action = answer == null ? "" : answer.path("response_action").asText("");
        switch (action) {
            case "errors" -> v.errors = answer.path("errors").deepCopy();
            case "update" -> {
                ObjectNode in = (ObjectNode) answer.path("view");
                v.revise(viewJson(v.id, in, v.json.path("root_view_id").asText(v.id),
                        v.json.path("previous_view_id").isNull() ? null : v.json.path("previous_view_id").asText(),
                        emptyState()));
                v.errors = null;
            }
            case "push" -> openModal(v.userId, (ObjectNode) answer.path("view"), true);
            case "clear" -> {
                List<String> stack = modalStackByUser.getOrDefault(v.userId, new ArrayList<>());
                stack.forEach(id -> views.get(id).closed = true);
                stack.clear();
                v.closed = true;
            }
            default -> {
                // an empty ack closes the submitted view; a pushed view returns to the one below it
                v.closed = true;
                modalStackByUser.getOrDefault(v.userId, new ArrayList<>()).remove(v.id);
            }
        }
    }

    /**
     * The user closes a modal (its close button or the X): with {@code clear_on_close} every modal of the user's
     * stack closes, otherwise only this one and the one below it shows again. Returns whether the stack was cleared.
     */
    public synchronized boolean closeModal(MutableView v) {
        List<String> stack = modalStackByUser.getOrDefault(v.userId, new ArrayList<>());
        boolean clear = v.json.path("clear_on_close").asBoolean(false);
        if (clear) {
            stack.forEach(id -> views.get(id).closed = true);
            stack.clear();
        } else {
            stack.remove(v.id);
        }
        v.closed = true;
        return clear;
    }

    // ---------------------------------------------------------------- response URLs

    public synchronized ResponseUrl issueResponseUrl(String base, String conversation, String user, String originalTs,
                                              boolean originalEphemeral) {
        String id = (++responseSeq) + "/" + hex(12);
        ResponseUrl r = new ResponseUrl(base + id, conversation, user, originalTs, originalEphemeral, now());
        responseUrls.put(id, r);
        return r;
    }

    public synchronized Optional<ResponseUrl> responseUrl(String id) {
        return Optional.ofNullable(responseUrls.get(id));
    }

    public synchronized void recordResponsePost(ResponseUrlPost post) {
        responsePosts.add(post);
    }

    public synchronized List<ResponseUrlPost> responsePosts() {
        return List.copyOf(responsePosts);
    }

    /**
     * What Slack does with a message sent through a response URL or an acknowledgement body: delete or
     * replace the original, post in the channel ({@code response_type: in_channel}) or show it to the user
     * only (the default).
     *
     * @return null when done, else the error Slack would answer
     */
    public synchronized String applyResponse(String conversation, String user, String originalTs, boolean originalEphemeral,
                                      JsonNode body, String via) {
        String text = Json.text(body, "text");
        JsonNode blocks = body.hasNonNull("blocks") ? body.get("blocks") : null;
        if (blocks != null && blocks.isTextual()) {
            blocks = Json.tryParse(blocks.asText()).orElse(null);
        }
        if (blocks != null) {
            List<String> problems = BlockKit.checkMessageBlocks(blocks);
            if (!problems.isEmpty()) {
                return "invalid_blocks";
            }
            blocks = BlockKit.withIds(blocks, this::shortId);
        }
        if (Json.flag(body, "delete_original")) {
            if (originalTs != null) {
                if (originalEphemeral) {
                    deleteEphemeral(conversation, user, originalTs);
                } else {
                    findMessage(conversation, originalTs).ifPresent(this::delete);
                }
            }
            return null;
        }
        if (text == null && blocks == null) {
            return "no_text";
        }
        if (Json.flag(body, "replace_original") && originalTs != null) {
            if (originalEphemeral) {
                replaceEphemeral(conversation, user, originalTs, text, blocks, via);
            } else {
                JsonNode newBlocks = blocks;
                findMessage(conversation, originalTs).ifPresent(m -> m.revise(text == null ? "" : text, newBlocks, now(), via));
            }
            return null;
        }
        String threadTs = Json.text(body, "thread_ts");
        if ("in_channel".equals(body.path("response_type").asText())) {
            post(conversation, text, blocks, threadTs, via);
        } else {
            postEphemeral(conversation, user, text, blocks, threadTs, via);
        }
        return null;
    }

    // ---------------------------------------------------------------- calls and rate limits

    public synchronized RecordedCall record(String method, JsonNode params, int status, JsonNode response) {
        RecordedCall c = new RecordedCall(++callSeq, method, params, now(), status, response);
        calls.add(c);
        return c;
    }

    public synchronized List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    public synchronized List<RecordedCall> drainCalls() {
        List<RecordedCall> out = List.copyOf(calls);
        calls.clear();
        return out;
    }

    public synchronized void rateLimitNext(String method, int times, int retryAfterSeconds) {
        if (times <= 0) {
            rateLimits.remove(method);
        } else {
            rateLimits.put(method, new int[] {times, retryAfterSeconds});
        }
    }

    /** The Retry-After seconds when this call is to be rate limited (and counts it), else null. */
    public synchronized Integer takeRateLimit(String method) {
        int[] limit = rateLimits.get(method);
        if (limit == null) {
            return null;
        }
        if (--limit[0] <= 0) {
            rateLimits.remove(method);
        }
        return limit[1];
    }

    // ---------------------------------------------------------------- mutable internals

    public static final class MutableMessage {
        final String channel;
        public final String ts;
        public final String user;
        final String botId;
        public final String threadTs;
        public String text;
        public JsonNode blocks;
        /** Message metadata ({@code event_type}, {@code event_payload}) as posted; null when none. */
        public JsonNode metadata;
        boolean deleted;
        final List<Message.Revision> revisions = new ArrayList<>();

        public MutableMessage(String channel, String ts, String user, String botId, String threadTs) {
            this.channel = channel;
            this.ts = ts;
            this.user = user;
            this.botId = botId;
            this.threadTs = threadTs;
        }

        void revise(String text, JsonNode blocks, Instant at, String via) {
            this.text = text;
            this.blocks = blocks == null ? null : blocks.deepCopy();
            revisions.add(new Message.Revision(text, this.blocks, at, via));
        }

        public Message snapshot() {
            return new Message(channel, ts, user, botId, text, blocks == null ? null : blocks.deepCopy(), threadTs,
                    deleted, revisions);
        }

        /** The message object as Slack answers it in chat.postMessage / chat.update and sends in payloads. */
        public ObjectNode json(BotIdentity bot, Team team) {
            ObjectNode m = Json.object();
            m.put("user", user);
            m.put("type", "message");
            m.put("ts", ts);
            m.put("bot_id", botId);
            m.put("app_id", bot.appId());
            m.put("text", text);
            m.put("team", team.id());
            if (threadTs != null) {
                m.put("thread_ts", threadTs);
            }
            if (blocks != null) {
                m.set("blocks", blocks.deepCopy());
            }
            return m;
        }
    }

    public static final class MutableView {
        final String id;
        public final String userId;
        public final String type;
        public ObjectNode json;
        public boolean closed;
        JsonNode errors;
        final List<JsonNode> history = new ArrayList<>();

        public MutableView(String id, String userId, String type, ObjectNode json) {
            this.id = id;
            this.userId = userId;
            this.type = type;
            revise(json);
        }

        void revise(ObjectNode json) {
            this.json = json;
            history.add(json.deepCopy());
        }

        public SlackView snapshot() {
            return new SlackView(id, userId, type, json.deepCopy(), closed, errors == null ? null : errors.deepCopy(),
                    history);
        }
    }

    static final class Trigger {
        final String id;
        public final String userId;
        public final Instant issuedAt;
        boolean exchanged;

        Trigger(String id, String userId, Instant issuedAt) {
            this.id = id;
            this.userId = userId;
            this.issuedAt = issuedAt;
        }
    }

    public static final class ResponseUrl {
        public final String url;
        public final String conversation;
        public final String user;
        public final String originalTs;
        public final boolean originalEphemeral;
        public final Instant issuedAt;
        public int uses;

        public ResponseUrl(String url, String conversation, String user, String originalTs, boolean originalEphemeral,
                    Instant issuedAt) {
            this.url = url;
            this.conversation = conversation;
            this.user = user;
            this.originalTs = originalTs;
            this.originalEphemeral = originalEphemeral;
            this.issuedAt = issuedAt;
        }
    }
}

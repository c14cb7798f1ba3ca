package dev.breakglass.bot.sandbox;

import dev.breakglass.bot.sandbox.state.BotIdentity;
import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.EmulatorState;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Json;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.RecordedCall;
import dev.breakglass.bot.sandbox.state.ResponseUrlPost;
import dev.breakglass.bot.sandbox.state.SandboxDirectory;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.state.Team;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.transport.SocketModeServer;
import dev.breakglass.bot.sandbox.transport.Workspace;
import dev.breakglass.bot.sandbox.webapi.WebApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Slack: the Web API at {@link #apiUrl()}, response URLs, and (with an app token) a Socket Mode
 * WebSocket server; plus everything a test or the sandbox console wants to look at afterwards.
 *
 * <p>Start one with {@link #builder()}, point Bolt at it with
 * {@code SlackConfig#setMethodsEndpointUrlPrefix(emulator.apiUrl())}, and drive the bot with
 * {@link #httpDelivery(URI, String)} or {@link #socketModeDelivery()}.
 *
 * <p>Web API: {@code auth.test}, {@code chat.postMessage}, {@code chat.update}, {@code chat.postEphemeral},
 * {@code chat.getPermalink}, {@code views.open}, {@code views.push}, {@code views.update}, {@code views.publish},
 * {@code conversations.open}, {@code users.info}, {@code usergroups.users.list}, {@code apps.connections.open}.
 * Arguments come as {@code application/x-www-form-urlencoded} (what Bolt sends; {@code blocks} and {@code view}
 * are JSON strings inside it), as {@code application/json}, or in the query string. The token comes as
 * {@code Authorization: Bearer …} or, for form bodies and query strings only, as a {@code token} argument (Slack
 * ignores {@code token} inside a JSON body: {@code not_authed}).
 *
 * <p>Edge cases, as Slack: every answer is HTTP 200 with {@code ok:false} except rate limiting (429 with
 * {@code Retry-After}); an unknown method answers {@code unknown_method} before any token check; an app token
 * works only for {@code apps.connections.open} and a bot token never does ({@code not_allowed_token_type}); a
 * user id as {@code channel} of {@code chat.postMessage} posts to (and opens) the DM with that user and the answer
 * names the {@code D…} id. Not emulated: channel membership, message rate limits other than
 * {@link #rateLimitNext}, attachments (accepted, not stored), files, reactions.
 *
 * <p>Thread-safe. Time comes from the injected clock only (ts values, trigger and response URL expiry), except
 * that ack deadlines are measured in real time by {@link SlackDelivery}.
 */
public final class SlackEmulator implements AutoCloseable, Workspace {

    private final EmulatorState state;
    private final WebApi webApi;
    private final HttpServer http;
    private final ExecutorService executor;
    private final SocketModeServer socketMode;
    private final String apiUrl;
    private final String responseUrlBase;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private SlackEmulator(Builder b) {
        this.state = new EmulatorState(b.clock, b.team, b.bot, b.directory);
        try {
            this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + b.port, e);
        }
        int port = http.getAddress().getPort();
        this.apiUrl = "http://127.0.0.1:" + port + "/api/";
        this.responseUrlBase = "http://127.0.0.1:" + port + "/response/";
        this.socketMode = b.appToken == null ? null : new SocketModeServer(b.bot.appId(), b.socketModePort);
        this.webApi = new WebApi(state, b.botToken, b.appToken,
                () -> socketMode == null ? null : socketMode.issueUrl());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "slack-emulator-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        if (socketMode != null) {
            socketMode.start();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A sandbox emulator: the demo directory and team, the given tokens and clock, an ephemeral port. */
    public static SlackEmulator sandbox(String botToken, String appToken, Clock clock) {
        return builder().botToken(botToken).appToken(appToken).clock(clock)
                .team(SandboxDirectory.TEAM).directory(SandboxDirectory.directory()).start();
    }

    // ---------------------------------------------------------------- addresses and identity

    /** The prefix for {@code SlackConfig#setMethodsEndpointUrlPrefix}: {@code http://127.0.0.1:<port>/api/}. */
    public String apiUrl() {
        return apiUrl;
    }

    /** The HTTP port of the Web API and response URLs. */
    public int port() {
        return http.getAddress().getPort();
    }

    public Team team() {
        return state.team;
    }

    public BotIdentity bot() {
        return state.bot;
    }

    public Directory directory() {
        return state.directory;
    }

    /**
     * Replaces the members of user group {@code groupId}, as a workspace admin editing the group in Slack would:
     * {@code usergroups.users.list} answers with the new members from now on. For tests that change who is in a
     * group while a grant is under way.
     *
     * @throws IllegalArgumentException when the group does not exist or a member is not a directory user
     */
    public void setGroupMembers(String groupId, List<String> memberIds) {
        synchronized (state) {
            state.directory = state.directory.withGroupMembers(groupId, memberIds);
        }
    }

    public Clock clock() {
        return state.clock;
    }

    /** The Web API methods answered here. */
    public List<String> methods() {
        return webApi.methodNames();
    }

    // ---------------------------------------------------------------- delivering to the bot

    /** Slack's side of HTTP mode: signed POSTs to the bot's events URL, timestamps from the emulator's clock. */
    public SlackDelivery httpDelivery(URI eventsUrl, String signingSecret) {
        return new SlackDelivery(this, new HttpDelivery(eventsUrl, signingSecret, state.clock));
    }

    /**
     * Slack's side of Socket Mode: envelopes over the WebSocket the bot opened through
     * {@code apps.connections.open}.
     *
     * @throws IllegalStateException when the emulator has no app token
     */
    public SlackDelivery socketModeDelivery() {
        return new SlackDelivery(this, socketModeServer());
    }

    /** The Socket Mode server (for waiting on the bot's connection, or low-level envelopes). */
    public SocketModeServer socketModeServer() {
        if (socketMode == null) {
            throw new IllegalStateException("Socket Mode needs an app token (xapp-…): builder().appToken(…)");
        }
        return socketMode;
    }

    /**
     * Issues a trigger_id for this user, as Slack does with each slash command and click. It can open one
     * modal ({@code views.open}/{@code views.push}) within 3 seconds of the emulator clock; at 3 s it has
     * expired ({@code expired_trigger_id}); a second use answers {@code exchanged_trigger_id}.
     */
    public String issueTriggerId(String userId) {
        requireUser(userId);
        return state.issueTrigger(userId);
    }

    /**
     * Issues a response URL for a slash command ({@code originalTs} null) or a click on a message
     * ({@code originalTs} the message's ts; {@code originalEphemeral} when it is an ephemeral message).
     * Usable 5 times within 30 minutes (emulator clock).
     */
    @Override
    public String issueResponseUrl(String channelId, String userId, String originalTs, boolean originalEphemeral) {
        requireUser(userId);
        return state.issueResponseUrl(responseUrlBase, channelId, userId, originalTs, originalEphemeral).url;
    }

    // ---------------------------------------------------------------- what happened

    /** Every Web API call so far (since the last {@link #clearCalls()}), in arrival order. */
    public List<RecordedCall> calls() {
        return state.calls();
    }

    /** The calls of one method, in order. */
    public List<RecordedCall> calls(String method) {
        return state.calls().stream().filter(c -> c.method().equals(method)).toList();
    }

    /**
     * The calls recorded so far, forgotten in the same step (none is lost between reading and forgetting): lets a
     * long load run tally every call without keeping them all in memory.
     */
    public List<RecordedCall> drainCalls() {
        return state.drainCalls();
    }

    /** Forgets the recorded calls (not the messages, views or anything else). */
    public void clearCalls() {
        state.clearCalls();
    }

    /**
     * The messages of a conversation, oldest first, deleted ones included (see {@link Message#deleted()}).
     * A user id stands for the DM with that user (empty when none was opened).
     */
    public List<Message> messages(String conversation) {
        return state.messages(conversationOf(conversation));
    }

    /**
     * The messages of a conversation from position {@code from} on (0 is the oldest), as {@link #messages}: lets a
     * load driver follow a busy channel without copying all of it on every look. A {@code from} past the end gives
     * an empty list.
     */
    public List<Message> messagesFrom(String conversation, int from) {
        return state.messagesFrom(conversationOf(conversation), from);
    }

    /** All messages, by conversation. */
    public Map<String, List<Message>> allMessages() {
        return state.allMessages();
    }

    /** One message by conversation (or user id for the DM) and ts, deleted ones excluded. */
    public Optional<Message> message(String conversation, String ts) {
        return state.findMessage(conversationOf(conversation), ts).map(EmulatorState.MutableMessage::snapshot);
    }

    /** The replies in a thread, oldest first. */
    public List<Message> thread(String conversation, String threadTs) {
        return messages(conversation).stream().filter(m -> threadTs.equals(m.threadTs())).toList();
    }

    /** The ephemeral messages a user sees in a conversation, oldest first. */
    public List<EphemeralMessage> ephemeralMessages(String conversation, String userId) {
        String c = conversationOf(conversation);
        return state.ephemerals(e -> e.channel().equals(c) && e.user().equals(userId));
    }

    /** All ephemeral messages a user sees, anywhere. */
    public List<EphemeralMessage> ephemeralMessages(String userId) {
        return state.ephemerals(e -> e.user().equals(userId));
    }

    /** The modals opened for a user, oldest first, closed ones included. */
    public List<SlackView> modals(String userId) {
        return state.modals(userId);
    }

    /** The user's modal on top of the stack, if one is open. */
    public Optional<SlackView> openModal(String userId) {
        List<SlackView> open = modals(userId).stream().filter(v -> !v.closed()).toList();
        return open.isEmpty() ? Optional.empty() : Optional.of(open.get(open.size() - 1));
    }

    /** A view (modal or home) by id. */
    public Optional<SlackView> view(String viewId) {
        return state.view(viewId);
    }

    /** Every view, in creation order. */
    public List<SlackView> views() {
        return state.allViews();
    }

    /** The Home tab last published for a user. */
    public Optional<SlackView> homeView(String userId) {
        return state.homeView(userId);
    }

    /** Every POST to a response URL, in order, including refused ones. */
    public List<ResponseUrlPost> responseUrlPosts() {
        return state.responsePosts();
    }

    /** The DM id the emulator uses for this user (opening it if needed): {@code D} + the id without its first letter. */
    public String dmChannel(String userId) {
        requireUser(userId);
        return state.openDm(userId);
    }

    /**
     * Makes the next {@code times} calls of {@code method} answer HTTP 429, {@code Retry-After:
     * <retryAfterSeconds>} and {@code {"ok":false,"error":"ratelimited"}}. Only authenticated calls count (a
     * call refused for its token is not rate limited). {@code times <= 0} cancels. Bolt's MethodsClient turns a
     * 429 into a {@code SlackApiException} whose response has code 429 and the header.
     */
    public void rateLimitNext(String method, int times, int retryAfterSeconds) {
        state.rateLimitNext(method, times, retryAfterSeconds);
    }

    /**
     * Runs after anything changes (a call answered, a delivery applied, a response URL used), on the thread that
     * changed it. For the sandbox console's live updates; keep it short and do not call back into deliveries.
     */
    public void addChangeListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeChangeListener(Runnable listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        if (socketMode != null) {
            socketMode.close();
        }
    }

    // ---------------------------------------------------------------- for SlackDelivery (Workspace)

    @Override
    public EmulatorState state() {
        return state;
    }

    @Override
    public void changed() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                // a console listener must not break Slack
            }
        }
    }

    void requireUser(String userId) {
        if (state.directory.user(userId).isEmpty()) {
            throw new IllegalArgumentException("no such user in the directory: " + userId);
        }
    }

    private String conversationOf(String conversation) {
        if (state.directory.user(conversation).isPresent()) {
            return state.openDm(conversation);
        }
        return conversation;
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/api/")) {
                handleApi(exchange, path.substring("/api/".length()));
            } else if (path.startsWith("/response/") && exchange.getRequestMethod().equals("POST")) {
                handleResponseUrl(exchange, path.substring("/response/".length()));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", "Not Found", Map.of());
            }
        } catch (RuntimeException e) {
            // a bug in the emulator must show up as such, not as a Slack error the bot might handle
            send(exchange, 500, "text/plain; charset=utf-8", "emulator error: " + e, Map.of());
        } finally {
            exchange.close();
            changed();
        }
    }

    /** Arguments Slack takes as JSON-encoded strings; recorded parsed. */
    private static final Set<String> JSON_ARGUMENTS = Set.of("blocks", "view", "attachments", "metadata");

    private void handleApi(HttpExchange exchange, String method) throws IOException {
        String body = readBody(exchange);
        ObjectNode params = Json.object();
        String token = null;
        boolean jsonBody = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
                .map(ct -> ct.toLowerCase().startsWith("application/json")).orElse(false);
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        if (jsonBody) {
            Optional<JsonNode> parsed = Json.tryParse(body);
            if (parsed.isEmpty() || !parsed.get().isObject()) {
                ObjectNode answer = WebApi.error(parsed.isEmpty() ? "invalid_json" : "json_not_object");
                state.record(method, params, 200, answer);
                send(exchange, 200, "application/json; charset=utf-8", Json.write(answer), Map.of());
                return;
            }
            ObjectNode json = (ObjectNode) parsed.get();
            // a token inside a JSON body does not authenticate (Slack: pass it as a Bearer header)
            json.remove("token");
            params.setAll(json);
        } else {
            parseForm(body, params);
        }
        JsonNode formToken = params.remove("token");
        if (formToken != null) {
            token = formToken.asText();
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            token = authorization.substring("Bearer ".length()).trim();
        }
        for (String name : JSON_ARGUMENTS) {
            JsonNode v = params.get(name);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                Json.tryParse(v.asText()).ifPresent(parsed -> params.set(name, parsed));
            }
        }
        WebApi.Answer answer = webApi.call(method, params, token);
        state.record(method, params.deepCopy(), answer.status(), answer.body());
        send(exchange, answer.status(), "application/json; charset=utf-8", Json.write(answer.body()), answer.headers());
    }

    /**
     * A POST to a response URL. Answers as Slack's hooks do: 200 {@code ok}; 404 {@code no_service} for a URL
     * never issued, {@code expired_url} after 30 minutes, {@code used_url} after 5 uses; 400
     * {@code invalid_payload} for a body that is not JSON, {@code no_text}, {@code invalid_blocks}.
     */
    private void handleResponseUrl(HttpExchange exchange, String id) throws IOException {
        String raw = readBody(exchange);
        Optional<EmulatorState.ResponseUrl> found = state.responseUrl(id);
        Optional<JsonNode> body = Json.tryParse(raw);
        int status;
        String answer;
        synchronized (state) {
            if (found.isEmpty()) {
                status = 404;
                answer = "no_service";
            } else if (Duration.between(found.get().issuedAt, state.now()).compareTo(EmulatorState.RESPONSE_URL_LIFETIME) >= 0) {
                status = 404;
                answer = "expired_url";
            } else if (found.get().uses >= EmulatorState.RESPONSE_URL_USES) {
                status = 404;
                answer = "used_url";
            } else if (body.isEmpty() || !body.get().isObject()) {
                found.get().uses++;
                status = 400;
                answer = "invalid_payload";
            } else {
                EmulatorState.ResponseUrl r = found.get();
                r.uses++;
                String error = state.applyResponse(r.conversation, r.user, r.originalTs, r.originalEphemeral,
                        body.get(), "response_url");
                status = error == null ? 200 : 400;
                answer = error == null ? "ok" : error;
            }
        }
        String url = responseUrlBase + id;
        state.recordResponsePost(new ResponseUrlPost(url, found.map(r -> r.conversation).orElse(null),
                found.map(r -> r.user).orElse(null), body.orElse(TextNode.valueOf(raw)), state.now(), status, answer));
        send(exchange, status, "text/plain; charset=utf-8", answer, Map.of());
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Form or query string into the params object; later values of a repeated name win. */
    private static void parseForm(String encoded, ObjectNode into) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(name, value);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body,
                             Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    // ---------------------------------------------------------------- builder

    /** Configures and starts an emulator. Required: the bot token. */
    public static final class Builder {
        private String botToken;
        private String appToken;
        private Team team = SandboxDirectory.TEAM;
        private BotIdentity bot = BotIdentity.DEFAULT;
        private Directory directory = SandboxDirectory.directory();
        private Clock clock = Clock.systemUTC();
        private int port;
        private int socketModePort;

        private Builder() {
        }

        /** The token the bot calls with ({@code xoxb-…}); any other token is {@code invalid_auth}. */
        public Builder botToken(String botToken) {
            this.botToken = botToken;
            return this;
        }

        /** The app-level token ({@code xapp-…}); with it the Socket Mode server starts. Optional. */
        public Builder appToken(String appToken) {
            this.appToken = appToken;
            return this;
        }

        public Builder team(Team team) {
            this.team = Objects.requireNonNull(team);
            return this;
        }

        public Builder bot(BotIdentity bot) {
            this.bot = Objects.requireNonNull(bot);
            return this;
        }

        /** Users, groups and channels; default {@link SandboxDirectory#directory()}. */
        public Builder directory(Directory directory) {
            this.directory = Objects.requireNonNull(directory);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The Web API port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The Socket Mode port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder socketModePort(int port) {
            this.socketModePort = port;
            return this;
        }

        public SlackEmulator start() {
            if (botToken == null || botToken.isEmpty()) {
                throw new IllegalStateException("the emulator needs the bot token the bot will use");
            }
            if (appToken != null && appToken.isEmpty()) {
                appToken = null;
            }
            if (appToken != null && appToken.equals(botToken)) {
                throw new IllegalStateException("the app token must differ from the bot token");
            }
            if (directory.user(bot.userId()).isPresent()) {
                throw new IllegalStateException("the bot user " + bot.userId() + " must not also be a directory user");
            }
            return new SlackEmulator(this);
        }
    }
}

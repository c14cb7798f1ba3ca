package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakglass.bot.sandbox.transport.DeliveryResult;
import dev.breakglass.bot.sandbox.state.Directory;
import dev.breakglass.bot.sandbox.state.EphemeralMessage;
import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.SandboxSlack;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The workspace as one demo user sees it, and what that user does, for the sandbox console.
 *
 * <p>What a user sees ({@link #snapshot(String)}): the policy's channels (approvals, then each notify channel)
 * with their messages and thread replies, the ephemeral messages only this user sees, their DM with the bot, the
 * modal on top of their stack (with the errors of the last submission) and their Home tab. What a user does goes
 * to the bot exactly as Slack sends it — signed, with a trigger_id and a response URL — through
 * {@link SlackDelivery}; the answer counts only when it came within Slack's 3 s, as on Slack.
 *
 * <p>Edge cases: an unknown user, channel, message, view or action id is refused with
 * {@link IllegalArgumentException} (the page shows the message; nothing reaches the bot); acting on a modal that is
 * closed or on another user's screen is refused with {@link IllegalStateException}. {@link #version()} grows with
 * every change the emulator sees, so a page can tell whether its snapshot is current.
 */
@Singleton
@Requires(condition = SandboxModeCondition.class)
public class SandboxConsole {
    private static final ObjectMapper JSON = JsonMappers.standard();

    private final SandboxSlack sandbox;
    private final Policy policy;
    private final BeanProvider<EmbeddedServer> server;
    private final AtomicLong version = new AtomicLong();
    private final List<LongConsumer> watchers = new CopyOnWriteArrayList<>();
    private final Runnable onChange = this::changed;
    private volatile SlackDelivery delivery;
    private volatile SlackEmulator emulator;

    public SandboxConsole(SandboxSlack sandbox, Policy policy, BeanProvider<EmbeddedServer> server) {
        this.sandbox = sandbox;
        this.policy = policy;
        this.server = server;
    }

    // ---------------------------------------------------------------- what a user sees

    /**
     * Who is who and where things are, the same for every user: the team, the bot, the demo users (with their
     * groups and what the policy lets them do), the policy's channels and each user's DM with the bot.
     */
    public ObjectNode workspace() {
        SlackEmulator slack = emulator();
        ObjectNode out = JSON.createObjectNode();
        ObjectNode team = out.putObject("team");
        team.put("id", slack.team().id());
        team.put("name", slack.team().name());
        ObjectNode bot = out.putObject("bot");
        bot.put("id", slack.bot().userId());
        bot.put("name", slack.bot().name());
        ArrayNode users = out.putArray("users");
        for (Directory.User u : slack.directory().users()) {
            ObjectNode user = users.addObject();
            user.put("id", u.id());
            user.put("name", u.name());
            user.put("realName", u.realName());
            user.put("title", u.title());
            user.put("dm", slack.dmChannel(u.id()));
            ArrayNode groups = user.putArray("groups");
            slack.directory().groups().stream().filter(g -> g.memberIds().contains(u.id())).forEach(g -> {
                ObjectNode group = groups.addObject();
                group.put("id", g.id());
                group.put("handle", g.handle());
                group.put("name", g.name());
            });
            user.put("role", role(u, slack.directory()));
        }
        ArrayNode groups = out.putArray("groups");
        slack.directory().groups().forEach(g -> groups.addObject().put("id", g.id()).put("handle", g.handle()));
        ArrayNode channels = out.putArray("channels");
        for (String id : channelIds()) {
            ObjectNode channel = channels.addObject();
            channel.put("id", id);
            channel.put("name", slack.directory().channel(id).map(Directory.Channel::name).orElse(id));
            channel.put("purpose", id.equals(policy.channels().approvals())
                    ? "Request cards: Approve / Deny" : "Every state change, as it happens");
        }
        return out;
    }

    /**
     * Everything {@code userId} sees now: per conversation (the policy's channels and their DM with the bot) the
     * messages and thread replies, oldest first, with the ephemeral messages only they see mixed in by time; their
     * open modal; their Home tab.
     */
    public ObjectNode snapshot(String userId) {
        SlackEmulator slack = emulator();
        Directory.User user = user(slack, userId);
        ObjectNode out = JSON.createObjectNode();
        out.put("version", version.get());
        out.put("user", user.id());
        ObjectNode conversations = out.putObject("conversations");
        List<String> ids = new ArrayList<>(channelIds());
        ids.add(slack.dmChannel(user.id()));
        for (String id : ids) {
            conversations.set(id, conversation(slack, id, user.id()));
        }
        Optional<SlackView> modal = slack.openModal(user.id());
        if (modal.isPresent()) {
            ObjectNode m = out.putObject("modal");
            m.put("id", modal.get().id());
            m.set("view", modal.get().view());
            m.set("errors", modal.get().errors());
        } else {
            out.putNull("modal");
        }
        Optional<SlackView> home = slack.homeView(user.id());
        if (home.isPresent()) {
            out.set("home", home.get().view());
        } else {
            out.putNull("home");
        }
        return out;
    }

    private ArrayNode conversation(SlackEmulator slack, String conversation, String userId) {
        List<ObjectNode> items = new ArrayList<>();
        for (Message m : slack.messages(conversation)) {
            if (m.deleted()) {
                continue;
            }
            ObjectNode item = JSON.createObjectNode();
            item.put("ts", m.ts());
            item.put("user", m.user());
            item.put("text", m.text());
            item.set("blocks", m.blocks());
            item.put("threadTs", m.threadTs());
            item.put("edited", m.edited());
            item.put("ephemeral", false);
            items.add(item);
        }
        for (EphemeralMessage e : slack.ephemeralMessages(conversation, userId)) {
            ObjectNode item = JSON.createObjectNode();
            item.put("ts", e.messageTs());
            item.put("user", slack.bot().userId());
            item.put("text", e.text());
            item.set("blocks", e.blocks());
            item.put("threadTs", e.threadTs());
            item.put("edited", false);
            item.put("ephemeral", true);
            items.add(item);
        }
        items.sort(Comparator.comparing(i -> i.get("ts").asText(), SandboxConsole::compareTs));
        ArrayNode out = JSON.createArrayNode();
        items.forEach(out::add);
        return out;
    }

    /** Slack timestamps ({@code 1700000000.000100}) in time order. */
    private static int compareTs(String a, String b) {
        return new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b));
    }

    // ---------------------------------------------------------------- what a user does

    /** {@code /breakglass <text>} typed by the user in a conversation (a channel id or their DM id). */
    public Outcome command(String userId, String conversation, String text) {
        requireConversation(userId, conversation);
        return Outcome.of(delivery().slashCommand(userId, channelArgument(userId, conversation), text));
    }

    /** A click on an element of a message or an ephemeral message the user sees. */
    public Outcome click(String userId, String conversation, String messageTs, String actionId, String value) {
        requireConversation(userId, conversation);
        return Outcome.of(delivery().blockAction(userId, channelArgument(userId, conversation), messageTs, actionId,
                value));
    }

    /** A click on an element of the user's modal or Home tab. */
    public Outcome clickInView(String userId, String viewId, String actionId, String value) {
        user(emulator(), userId);
        return Outcome.of(delivery().viewBlockAction(userId, viewId, actionId, value));
    }

    /** The submit button of the user's modal, with {@code values} in the shape of {@code view.state.values}. */
    public Outcome submit(String userId, String viewId, JsonNode values) {
        user(emulator(), userId);
        ViewInput input = ViewInput.create();
        if (values != null && values.isObject()) {
            for (Iterator<String> blocks = values.fieldNames(); blocks.hasNext(); ) {
                String blockId = blocks.next();
                JsonNode block = values.get(blockId);
                if (!block.isObject()) {
                    throw new IllegalArgumentException("values." + blockId + " must be an object of action ids");
                }
                block.fieldNames().forEachRemaining(actionId -> input.raw(blockId, actionId, block.get(actionId)));
            }
        }
        return Outcome.of(delivery().viewSubmission(userId, viewId, input));
    }

    /** The close button (or X) of the user's modal; the bot hears of it only if the view asked to be notified. */
    public Outcome close(String userId, String viewId) {
        user(emulator(), userId);
        return delivery().viewClosed(userId, viewId).map(Outcome::of).orElse(Outcome.DONE);
    }

    /** The user opens the bot's Home tab: {@code app_home_opened}, to which the bot answers with views.publish. */
    public Outcome homeOpened(String userId) {
        user(emulator(), userId);
        return Outcome.of(delivery().appHomeOpened(userId));
    }

    /**
     * How a delivery went, as the person at the console should hear it.
     *
     * @param ok    the bot answered 200 within Slack's 3 s, so Slack acted on the answer
     * @param error Slack's own word for the failure ({@code operation_timeout}, {@code dispatch_failed}), or null
     */
    public record Outcome(boolean ok, String error) {
        static final Outcome DONE = new Outcome(true, null);

        static Outcome of(DeliveryResult result) {
            if (result.applied()) {
                return DONE;
            }
            return new Outcome(false, result.answer().acknowledged() ? "operation_timeout" : "dispatch_failed");
        }
    }

    // ---------------------------------------------------------------- changes

    /** Grows with every change the emulator sees. */
    public long version() {
        return version.get();
    }

    /** Calls {@code watcher} with the new version after every change, until {@link #unwatch}. Keep it short. */
    public void watch(LongConsumer watcher) {
        emulator();
        watchers.add(watcher);
    }

    public void unwatch(LongConsumer watcher) {
        watchers.remove(watcher);
    }

    private void changed() {
        long v = version.incrementAndGet();
        for (LongConsumer w : watchers) {
            w.accept(v);
        }
    }

    @PreDestroy
    void stop() {
        SlackEmulator e = emulator;
        if (e != null) {
            e.removeChangeListener(onChange);
        }
        watchers.clear();
    }

    // ---------------------------------------------------------------- helpers

    /** The approvals channel, then each notify channel, once each, in policy order. */
    private List<String> channelIds() {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(policy.channels().approvals());
        ids.addAll(policy.channels().notifyChannels());
        return List.copyOf(ids);
    }

    private SlackEmulator emulator() {
        SlackEmulator e = emulator;
        if (e == null) {
            synchronized (this) {
                if (emulator == null) {
                    emulator = sandbox.emulator();
                    emulator.addChangeListener(onChange);
                }
                e = emulator;
            }
        }
        return e;
    }

    private SlackDelivery delivery() {
        SlackDelivery d = delivery;
        if (d == null) {
            synchronized (this) {
                if (delivery == null) {
                    URI events = URI.create("http://127.0.0.1:" + server.get().getPort() + "/slack/events");
                    delivery = emulator().httpDelivery(events, sandbox.signingSecret());
                }
                d = delivery;
            }
        }
        return d;
    }

    private static Directory.User user(SlackEmulator slack, String userId) {
        return slack.directory().user(userId == null ? "" : userId)
                .orElseThrow(() -> new IllegalArgumentException("no demo user " + userId));
    }

    /** The conversation must be one of the policy's channels or the user's own DM with the bot. */
    private void requireConversation(String userId, String conversation) {
        SlackEmulator slack = emulator();
        user(slack, userId);
        if (!channelIds().contains(conversation) && !slack.dmChannel(userId).equals(conversation)) {
            throw new IllegalArgumentException("no conversation " + conversation + " for " + userId);
        }
    }

    /** SlackDelivery takes a user id for "the DM with the bot". */
    private String channelArgument(String userId, String conversation) {
        return conversation.startsWith("D") ? userId : conversation;
    }

    /** A one-line description of what the policy lets this user do, for the user switcher. */
    private String role(Directory.User user, Directory directory) {
        Set<String> groups = new LinkedHashSet<>();
        directory.groups().stream().filter(g -> g.memberIds().contains(user.id())).forEach(g -> groups.add(g.id()));
        List<String> parts = new ArrayList<>();
        if (anyTarget(t -> t.requesters(), user.id(), groups)) {
            parts.add("requests access");
        }
        if (anyTarget(t -> t.approvers(), user.id(), groups)) {
            parts.add("approves");
        }
        if (anyTarget(t -> t.reviewers().isEmpty() ? t.approvers() : t.reviewers(), user.id(), groups)) {
            parts.add("signs off reviews");
        }
        return parts.isEmpty() ? "outsider: may watch, not request or approve" : String.join(", ", parts);
    }

    private boolean anyTarget(Function<TargetPolicy, List<Principal>> list, String userId,
                              Set<String> groups) {
        return policy.targets().values().stream()
                .anyMatch(t -> list.apply(t).stream().anyMatch(p -> p.includes(userId, groups)));
    }

}

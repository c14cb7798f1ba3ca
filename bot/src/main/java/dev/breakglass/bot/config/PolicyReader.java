package dev.breakglass.bot.config;

import dev.breakglass.command.DurationText;
import dev.breakglass.command.EditDistance;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.policy.ActivityPolicy;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.EmergencyKind;
import dev.breakglass.policy.EmergencyPolicy;
import dev.breakglass.policy.InvalidPolicyException;
import dev.breakglass.policy.NotifyTarget;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.ReviewPolicy;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.StepUpRule;
import dev.breakglass.policy.TargetPolicy;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads one policy text into a {@link Policy}, through SnakeYAML's node tree so every problem can name its line.
 *
 * <p>One reader per text; not thread-safe. The first problem found stops the reading: problems are looked for
 * from the top of the file down, and within a mapping unknown and duplicate keys come first (a typo such as
 * {@code max-duraton} is reported as a typo, not as a missing {@code max-duration}).
 *
 * <p>YAML notes: anchors and aliases work anywhere; merge keys ({@code <<: *defaults}) work in any mapping, the
 * keys written next to them win; top-level keys starting with {@code x-} are ignored, as a place for anchors.
 * A key written with no value counts as absent, except {@code requesters} (an empty requesters line must not
 * open a target to everyone) and the required keys.
 */
final class PolicyReader {
    static final List<String> TOP_KEYS = List.of("channels", "targets", "justification", "pending-timeout",
            "reveal-limit", "warn-before", "review", "requests-per-hour", "step-up", "activity", "emergencies");
    static final List<String> KIND_KEYS = List.of("title", "description", "targets", "requesters", "max-duration",
            "approvals", "notify", "reference", "link");
    static final List<String> CHANNEL_KEYS = List.of("approvals", "notify", "security");
    static final List<String> NOTIFY_KEYS = List.of("channel", "events");
    static final List<String> TARGET_KEYS = List.of("description", "adapter", "roles", "max-duration",
            "default-duration", "min-duration", "approvals", "requesters", "approvers", "revokers", "reviewers",
            "emergency", "settings", "step-up", "activity");
    static final List<String> ACTIVITY_KEYS = List.of("flag");
    static final List<String> STEP_UP_KEYS = List.of("emergency", "admins", "factor", "settings");
    static final List<String> EMERGENCY_KEYS = List.of("after", "max-duration");
    static final List<String> JUSTIFICATION_KEYS = List.of("min-length", "max-length");
    static final List<String> REVIEW_KEYS = List.of("remind-every", "escalate-after", "required");

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,9}");
    private static final Pattern ZERO_DURATION = Pattern.compile("(?:0+[hms])+");
    private static final String PRINCIPALS_EXAMPLE = "[S0ONCALL, U0ALICE]";

    private final String file;
    private final String text;
    private final String[] lines;
    /** Line of every target and of every value under a target's settings, by field path. */
    private final Map<String, Integer> positions = new LinkedHashMap<>();
    /** Each target's {@code activity: flag:} patterns, by target name, filled while the targets are read. */
    private final Map<String, List<String>> targetFlags = new LinkedHashMap<>();

    /**
     * @param file the name used in messages
     * @param text the whole policy text
     */
    PolicyReader(String file, String text) {
        this.file = file;
        this.text = text;
        this.lines = text.split("\r\n|\r|\n", -1);
    }

    /**
     * The lines {@link #read()} saw: each target's ({@code targets.orders-db}), its {@code settings} key's, and
     * every key and list entry inside the settings ({@code targets.orders-db.settings.roles.admin[0]}), so that an
     * adapter's complaint about a setting can name the line. Filled by {@link #read()}.
     */
    Map<String, Integer> positions() {
        return Map.copyOf(positions);
    }

    /** @throws PolicyException naming the line and field of the first problem */
    Policy read() {
        Node root = compose(text);
        if (root == null) {
            throw new PolicyException(file, 1, "",
                    "the file is empty: a policy needs at least channels and targets (see breakglass-demo.yml)");
        }
        if (!(root instanceof MappingNode)) {
            throw new PolicyException(file, line(root), "",
                    "expected a mapping with channels and targets at the top, got " + describe(root));
        }
        Section top = section(root, null, "", TOP_KEYS);

        Channels channels = readChannels(top);
        Map<String, TargetPolicy> targets = readTargets(top);
        JustificationRules justification = top.optional("justification").map(n -> readJustification(top, n))
                .orElse(null);
        Duration pendingTimeout = top.optional("pending-timeout").map(n -> duration(n, top.path("pending-timeout")))
                .orElse(null);
        int revealLimit = top.optional("reveal-limit").map(n -> wholeNumber(n, top.path("reveal-limit")))
                .orElse(Policy.DEFAULT_REVEAL_LIMIT);
        Duration warnBefore = top.optional("warn-before").map(n -> duration(n, top.path("warn-before")))
                .orElse(null);
        ReviewPolicy review = top.optional("review").map(n -> readReview(top, n)).orElse(null);
        int requestsPerHour = top.optional("requests-per-hour")
                .map(n -> wholeNumber(n, top.path("requests-per-hour"))).orElse(Policy.DEFAULT_REQUESTS_PER_HOUR);
        StepUpPolicy stepUp = top.optional("step-up").map(n -> readStepUp(top, n)).orElse(null);
        List<String> flags = top.optional("activity").map(n -> readActivityFlags(top, n)).orElse(null);
        ActivityPolicy activity = new ActivityPolicy(flags, targetFlags);
        List<EmergencyKind> emergencies = top.optional("emergencies").map(n -> readKinds(top, n, targets))
                .orElse(null);
        return build(top, () -> new Policy(channels, targets, justification, pendingTimeout, revealLimit,
                warnBefore, review, requestsPerHour, stepUp, activity, emergencies));
    }

    // ---- the policy's parts -------------------------------------------------------------------------------

    private Channels readChannels(Section top) {
        Node node = top.required("channels", "where the bot posts, like channels: {approvals: C0APPROVALS}");
        Section s = section(node, top.keyNode("channels"), top.path("channels"), CHANNEL_KEYS);
        String approvals = text(s.required("approvals", "the id of the channel for request cards, like C0APPROVALS"),
                s.path("approvals"), "a channel id", "C0APPROVALS");
        List<NotifyTarget> notify = s.optional("notify").map(n -> notifyTargets(n, s.path("notify"))).orElse(null);
        String security = s.optional("security").map(n -> text(n, s.path("security"), "a channel id", "C0SECURITY"))
                .orElse(null);
        return build(s, () -> new Channels(approvals, notify, security));
    }

    /** Each entry a channel id (every event) or {@code {channel: C0MGMT, events: [emergency, …]}}. */
    private List<NotifyTarget> notifyTargets(Node node, String path) {
        List<NotifyTarget> out = new ArrayList<>();
        List<Node> items = list(node, path, "[C0SECURITY, {channel: C0MGMT, events: [emergency]}]");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = index(path, i);
            if (item instanceof MappingNode) {
                Section e = section(item, null, itemPath, NOTIFY_KEYS);
                String channel = text(e.required("channel", "the id of the notify channel, like C0MGMT"),
                        e.path("channel"), "a channel id", "C0MGMT");
                Set<NotifyTarget.Event> events = e.optional("events").map(n -> notifyEvents(n, e.path("events")))
                        .orElse(null);
                out.add(build(e, () -> events == null ? NotifyTarget.all(channel)
                        : NotifyTarget.only(channel, events)));
            } else {
                String channel = text(item, itemPath, "a channel id, or {channel: …, events: […]}", "C0SECURITY");
                try {
                    out.add(NotifyTarget.all(channel));
                } catch (InvalidPolicyException ex) {
                    throw new PolicyException(file, line(item), itemPath, ex.getMessage(), ex);
                }
            }
        }
        return out;
    }

    private Set<NotifyTarget.Event> notifyEvents(Node node, String path) {
        Set<NotifyTarget.Event> out = java.util.EnumSet.noneOf(NotifyTarget.Event.class);
        List<Node> items = list(node, path, "[emergency, revocation-failed]");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = index(path, i);
            String name = text(item, itemPath, "an event name", "emergency");
            NotifyTarget.Event event = NotifyTarget.Event.byPolicyName(name).orElseThrow(() ->
                    new PolicyException(file, line(item), itemPath, "\"" + name + "\" is not an event"
                            + nearest(name, java.util.Arrays.stream(NotifyTarget.Event.values())
                            .map(NotifyTarget.Event::policyName).toList()).map(n -> "; did you mean " + n + "?")
                            .orElse("") + " (known: " + NotifyTarget.Event.vocabulary() + ")"));
            if (!out.add(event)) {
                throw new PolicyException(file, line(item), itemPath, "events lists " + name + " twice");
            }
        }
        if (out.isEmpty()) {
            throw new PolicyException(file, line(node), path, "events is empty: list the events this channel "
                    + "gets, or leave events out for every event");
        }
        return out;
    }

    private Map<String, TargetPolicy> readTargets(Section top) {
        Node node = top.required("targets", "the systems people may ask access to, each with adapter, "
                + "max-duration and approvers");
        String path = top.path("targets");
        if (!(node instanceof MappingNode mapping)) {
            throw wrongType(node, path, "a mapping of target names to targets", "targets: {orders-db: {…}}");
        }
        Map<String, NodeTuple> entries = entries(mapping, path);
        if (entries.isEmpty()) {
            throw new PolicyException(file, line(top.keyNode("targets")), path,
                    "has no targets: at least one target is needed");
        }
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String name = e.getKey();
            NodeTuple tuple = e.getValue();
            String targetPath = join(path, name);
            if (isNull(tuple.getValueNode())) {
                throw new PolicyException(file, line(tuple.getKeyNode()), targetPath,
                        "has no value: a target needs at least adapter, max-duration and approvers"
                                + commentHint(tuple.getKeyNode()));
            }
            Section t = section(tuple.getValueNode(), tuple.getKeyNode(), targetPath, TARGET_KEYS);
            positions.put(targetPath, line(tuple.getKeyNode()));
            targets.put(name, readTarget(t, name));
        }
        return targets;
    }

    private TargetPolicy readTarget(Section t, String name) {
        String description = t.optional("description").map(n -> text(n, t.path("description"), "text", ""))
                .orElse(null);
        String adapter = text(t.required("adapter", "the adapter type, like postgres, ssh-cert or webhook"),
                t.path("adapter"), "an adapter type", "postgres");
        List<String> roles = t.optional("roles").map(n -> texts(n, t.path("roles"), "[read-only, admin]",
                "a role name", "read-only")).orElse(null);
        Duration max = duration(t.required("max-duration", "the longest grant, like 1h"), t.path("max-duration"));
        Duration dflt = t.optional("default-duration").map(n -> duration(n, t.path("default-duration")))
                .orElse(null);
        Duration min = t.optional("min-duration").map(n -> duration(n, t.path("min-duration"))).orElse(null);
        int approvals = t.optional("approvals").map(n -> wholeNumber(n, t.path("approvals")))
                .orElse(TargetPolicy.DEFAULT_APPROVALS);
        List<Principal> requesters = null;
        if (t.has("requesters")) {
            Node n = t.valueNode("requesters");
            if (isNull(n)) {
                throw new PolicyException(file, line(t.keyNode("requesters")), t.path("requesters"),
                        "has no value: list who may ask for access, or leave the key out for anyone"
                                + commentHint(t.keyNode("requesters")));
            }
            requesters = principals(n, t.path("requesters"));
        }
        List<Principal> approvers = principals(t.required("approvers",
                "who may approve, like approvers: " + PRINCIPALS_EXAMPLE), t.path("approvers"));
        List<Principal> revokers = t.optional("revokers").map(n -> principals(n, t.path("revokers"))).orElse(null);
        List<Principal> reviewers = t.optional("reviewers").map(n -> principals(n, t.path("reviewers")))
                .orElse(null);
        Optional<EmergencyPolicy> emergency = t.optional("emergency").map(n -> readEmergency(t, n));
        if (t.has("settings")) {
            positions.put(t.path("settings"), line(t.keyNode("settings")));
        }
        Map<String, Object> settings = t.optional("settings").map(n -> readSettings(n, t.path("settings")))
                .orElse(null);
        StepUpRule stepUp = t.optional("step-up").map(n -> {
            String path = t.path("step-up");
            String word = text(n, path, StepUpRule.vocabulary(), "both");
            return StepUpRule.byPolicyName(word).orElseThrow(() -> new PolicyException(file, line(n), path,
                    "step-up is \"" + word + "\"; write " + StepUpRule.vocabulary() + " (who must pass a second factor:"
                            + " the requester, each approver, or both)"));
        }).orElse(null);
        t.optional("activity").map(n -> readActivityFlags(t, n)).ifPresent(flags -> targetFlags.put(name, flags));
        List<Principal> requestersFinal = requesters;
        return build(t, () -> new TargetPolicy(name, description, adapter, roles, min, dflt, max, approvals,
                requestersFinal, approvers, revokers, reviewers, emergency, settings, stepUp));
    }

    /** {@code step-up: {emergency: always, admins: [...], factor: totp, settings: {...}}}. */
    private StepUpPolicy readStepUp(Section top, Node node) {
        Section s = section(node, top.keyNode("step-up"), top.path("step-up"), STEP_UP_KEYS);
        boolean always = s.optional("emergency").map(n -> {
            String path = s.path("emergency");
            String word = text(n, path, "always or as-target", "always");
            return switch (word) {
                case "always" -> true;
                case "as-target" -> false;
                default -> throw new PolicyException(file, line(n), path, "emergency is \"" + word + "\"; write "
                        + "always (solo break glass always needs step-up) or as-target (the target's step-up rule)");
            };
        }).orElse(false);
        List<Principal> admins = s.optional("admins").map(n -> principals(n, s.path("admins"))).orElse(null);
        String factor = s.optional("factor").map(n -> text(n, s.path("factor"), "a factor name", "totp"))
                .orElse(null);
        Map<String, Object> settings = s.optional("settings").map(n -> readSettings(n, s.path("settings")))
                .orElse(null);
        return build(s, () -> new StepUpPolicy(always, admins, factor, settings));
    }

    /**
     * {@code activity: {flag: [DROP, rm -rf]}}, at the top or under a target; each pattern checked here so a
     * problem names its own line.
     */
    private List<String> readActivityFlags(Section parent, Node node) {
        Section s = section(node, parent.keyNode("activity"), parent.path("activity"), ACTIVITY_KEYS);
        if (!s.has("flag")) {
            return List.of();
        }
        String path = s.path("flag");
        List<Node> items = s.optional("flag").map(n -> list(n, path, "[DROP, TRUNCATE, rm -rf]")).orElse(List.of());
        List<String> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = index(path, i);
            String pattern = text(item, itemPath, "a word or phrase", "DROP");
            Optional<String> problem = ActivityPolicy.problem(pattern);
            if (problem.isPresent()) {
                throw new PolicyException(file, line(item), itemPath, problem.get());
            }
            if (!seen.add(ActivityPolicy.normal(pattern))) {
                throw new PolicyException(file, line(item), itemPath, "flag lists \"" + pattern.trim() + "\" twice");
            }
            out.add(pattern);
        }
        return out;
    }

    /**
     * {@code emergencies: {outage: {title: …, description: …, targets: […], reference: INC-\d+, …}}}: a mapping by
     * id, so a repeated id is a duplicate key. Target names and the reference pattern are checked here so the
     * problem names its own line.
     */
    private List<EmergencyKind> readKinds(Section top, Node node, Map<String, TargetPolicy> targets) {
        String path = top.path("emergencies");
        if (!(node instanceof MappingNode mapping)) {
            throw wrongType(node, path, "a mapping of emergency ids to emergencies",
                    "emergencies: {outage: {title: Production outage, description: …}}");
        }
        List<EmergencyKind> out = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> e : entries(mapping, path).entrySet()) {
            String id = e.getKey();
            NodeTuple tuple = e.getValue();
            String kindPath = join(path, id);
            if (isNull(tuple.getValueNode())) {
                throw new PolicyException(file, line(tuple.getKeyNode()), kindPath,
                        "has no value: an emergency needs at least a title" + commentHint(tuple.getKeyNode()));
            }
            Section k = section(tuple.getValueNode(), tuple.getKeyNode(), kindPath, KIND_KEYS);
            String title = text(k.required("title", "what people read, like Production outage"), k.path("title"),
                    "text", "Production outage");
            String description = k.optional("description").map(n -> text(n, k.path("description"), "text", ""))
                    .orElse(null);
            List<String> kindTargets = k.optional("targets").map(n -> {
                List<String> names = texts(n, k.path("targets"), "[orders-db, web-prod]", "a target name",
                        "orders-db");
                List<Node> items = ((SequenceNode) n).getValue();
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(i);
                    if (!targets.containsKey(name)) {
                        throw new PolicyException(file, line(items.get(i)), index(k.path("targets"), i),
                                "\"" + name + "\" is not a target" + nearest(name, targets.keySet())
                                        .map(t -> "; did you mean " + t + "?").orElse(" (targets: "
                                                + String.join(", ", targets.keySet()) + ")"));
                    }
                }
                return names;
            }).orElse(null);
            List<Principal> requesters = k.optional("requesters").map(n -> principals(n, k.path("requesters")))
                    .orElse(null);
            Optional<Duration> max = k.optional("max-duration").map(n -> duration(n, k.path("max-duration")));
            OptionalInt approvals = k.optional("approvals")
                    .map(n -> OptionalInt.of(wholeNumber(n, k.path("approvals")))).orElse(OptionalInt.empty());
            List<String> notify = k.optional("notify").map(n -> texts(n, k.path("notify"), "[C0MGMT]",
                    "a channel id", "C0MGMT")).orElse(null);
            Optional<String> reference = k.optional("reference").map(n -> {
                String regex = text(n, k.path("reference"), "a regular expression", "INC-\\d+");
                EmergencyKind.referenceProblem(regex).ifPresent(p -> {
                    throw new PolicyException(file, line(n), k.path("reference"), p);
                });
                return regex;
            });
            Optional<String> link = k.optional("link").map(n -> text(n, k.path("link"), "an address",
                    "https://incidents.example/" + EmergencyKind.REFERENCE_SLOT));
            out.add(build(k, () -> new EmergencyKind(id, title, description, kindTargets, requesters, max, approvals,
                    notify, reference, link)));
        }
        return out;
    }

    private EmergencyPolicy readEmergency(Section target, Node node) {
        Section s = section(node, target.keyNode("emergency"), target.path("emergency"), EMERGENCY_KEYS);
        Duration after = duration(s.required("after", "how long a request waits before solo break glass, like 10m"),
                s.path("after"));
        Duration max = duration(s.required("max-duration", "the longest solo grant, like 30m"),
                s.path("max-duration"));
        return build(s, () -> new EmergencyPolicy(after, max));
    }

    private JustificationRules readJustification(Section top, Node node) {
        Section s = section(node, top.keyNode("justification"), top.path("justification"), JUSTIFICATION_KEYS);
        int min = s.optional("min-length").map(n -> wholeNumber(n, s.path("min-length")))
                .orElse(JustificationRules.DEFAULT.minLength());
        int max = s.optional("max-length").map(n -> wholeNumber(n, s.path("max-length")))
                .orElse(JustificationRules.DEFAULT.maxLength());
        return build(s, () -> new JustificationRules(min, max));
    }

    private ReviewPolicy readReview(Section top, Node node) {
        Section s = section(node, top.keyNode("review"), top.path("review"), REVIEW_KEYS);
        Duration every = s.optional("remind-every").map(n -> duration(n, s.path("remind-every"))).orElse(null);
        int escalate = s.optional("escalate-after").map(n -> wholeNumber(n, s.path("escalate-after")))
                .orElse(ReviewPolicy.DEFAULT_ESCALATE_AFTER);
        ReviewPolicy.Required required = s.optional("required").map(n -> {
            String path = s.path("required");
            String name = text(n, path, "always or emergency", "emergency");
            return java.util.Arrays.stream(ReviewPolicy.Required.values()).filter(r -> r.policyName().equals(name))
                    .findFirst().orElseThrow(() -> new PolicyException(file, line(n), path, "required is \"" + name
                            + "\"; write always (every grant is reviewed) or emergency (solo break-glass grants only)"));
        }).orElse(null);
        return build(s, () -> new ReviewPolicy(every, escalate, required));
    }

    /** Settings as plain Java values: maps, lists, text, numbers, booleans, null. Text is kept as written. */
    private Map<String, Object> readSettings(Node node, String path) {
        if (!(node instanceof MappingNode)) {
            throw wrongType(node, path, "a mapping of adapter settings", "settings: {url: https://…}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(node, path, Collections.newSetFromMap(new IdentityHashMap<>()));
        return map;
    }

    private Object plain(Node node, String path, Set<Node> open) {
        if (!open.add(node)) {
            throw new PolicyException(file, line(node), path, "refers to itself through an alias");
        }
        try {
            if (node instanceof ScalarNode scalar) {
                return scalar(scalar, path);
            }
            if (node instanceof SequenceNode seq) {
                requireTag(node, Tag.SEQ, path);
                List<Object> list = new ArrayList<>();
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    positions.put(index(path, i), line(items.get(i)));
                    list.add(plain(items.get(i), index(path, i), open));
                }
                return list;
            }
            MappingNode mapping = (MappingNode) node;
            requireTag(node, Tag.MAP, path);
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> e : entries(mapping, path).entrySet()) {
                positions.putIfAbsent(join(path, e.getKey()), line(e.getValue().getKeyNode()));
                map.put(e.getKey(), plain(e.getValue().getValueNode(), join(path, e.getKey()), open));
            }
            return map;
        } finally {
            open.remove(node);
        }
    }

    private Object scalar(ScalarNode node, String path) {
        Tag tag = node.getTag();
        if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
            return node.getValue();
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL) || tag.equals(Tag.NULL)) {
            try {
                return ScalarValues.INSTANCE.construct(node);
            } catch (RuntimeException e) {
                throw new PolicyException(file, line(node), path, "\"" + node.getValue() + "\" cannot be read as "
                        + tag.getValue().replace(Tag.PREFIX, "") + "; quote it to keep it as text", e);
            }
        }
        throw new PolicyException(file, line(node), path, "the YAML tag " + tag.getValue()
                + " is not supported in a policy; write the value as plain text");
    }

    private void requireTag(Node node, Tag expected, String path) {
        if (!node.getTag().equals(expected)) {
            throw new PolicyException(file, line(node), path, "the YAML tag " + node.getTag().getValue()
                    + " is not supported in a policy; write a plain list or mapping");
        }
    }

    // ---- values -------------------------------------------------------------------------------------------

    /**
     * The text of a scalar as written (quoted or not, whatever YAML type it resolves to).
     *
     * @param expected what belongs here, like "a duration"
     * @param example  an example of it, like "30m"; empty for none
     */
    private String text(Node node, String path, String expected, String example) {
        if (node instanceof ScalarNode scalar && !isNull(node)) {
            return scalar.getValue();
        }
        throw wrongType(node, path, expected, example);
    }

    private List<String> texts(Node node, String path, String listExample, String expected, String example) {
        List<String> out = new ArrayList<>();
        List<Node> items = list(node, path, listExample);
        for (int i = 0; i < items.size(); i++) {
            out.add(text(items.get(i), index(path, i), expected, example));
        }
        return out;
    }

    private List<Principal> principals(Node node, String path) {
        List<Principal> out = new ArrayList<>();
        List<Node> items = list(node, path, PRINCIPALS_EXAMPLE);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = index(path, i);
            String text = text(item, itemPath, "a user id (U…), user group id (S…) or \"*\"", "S0ONCALL");
            try {
                out.add(Principal.parse(text));
            } catch (IllegalArgumentException e) {
                throw new PolicyException(file, line(item), itemPath, e.getMessage());
            }
        }
        return out;
    }

    private List<Node> list(Node node, String path, String example) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        throw wrongType(node, path, "a list", example);
    }

    private Duration duration(Node node, String path) {
        String text = text(node, path, "a duration", "30m");
        Optional<Duration> d = DurationText.parse(text);
        if (d.isPresent()) {
            return d.get();
        }
        if (ZERO_DURATION.matcher(text).matches()) {
            throw new PolicyException(file, line(node), path, "\"" + text + "\" is zero: a duration must be longer than "
                    + "zero");
        }
        if (text.matches("[0-9]+")) {
            throw new PolicyException(file, line(node), path, text + " is not a duration: add a unit, like "
                    + text + "m or " + text + "s");
        }
        throw new PolicyException(file, line(node), path, "\"" + text + "\" is not a duration (use "
                + DurationText.HINT + ")");
    }

    private int wholeNumber(Node node, String path) {
        String text = text(node, path, "a whole number", "2");
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw new PolicyException(file, line(node), path, "expected a whole number, like 2, got \"" + text + "\"");
        }
        return Integer.parseInt(text);
    }

    // ---- mappings -----------------------------------------------------------------------------------------

    /** A mapping of known keys, checked for unknown and duplicate keys, merges applied. */
    private final class Section {
        final String path;
        final int line;
        final MappingNode node;
        final Map<String, NodeTuple> entries;

        Section(String path, int line, MappingNode node, Map<String, NodeTuple> entries) {
            this.path = path;
            this.line = line;
            this.node = node;
            this.entries = entries;
        }

        String path(String key) {
            return join(path, key);
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        Node keyNode(String key) {
            return entries.get(key).getKeyNode();
        }

        Node valueNode(String key) {
            return entries.get(key).getValueNode();
        }

        /** The value, or empty when the key is absent or has no value. */
        Optional<Node> optional(String key) {
            NodeTuple t = entries.get(key);
            return t == null || isNull(t.getValueNode()) ? Optional.empty() : Optional.of(t.getValueNode());
        }

        Node required(String key, String what) {
            NodeTuple t = entries.get(key);
            if (t == null) {
                throw new PolicyException(file, line, path(key), "missing: " + what);
            }
            if (isNull(t.getValueNode())) {
                throw new PolicyException(file, line(t.getKeyNode()), path(key), "has no value: " + what
                        + commentHint(t.getKeyNode()));
            }
            return t.getValueNode();
        }
    }

    private Section section(Node node, Node keyNode, String path, List<String> known) {
        if (!(node instanceof MappingNode mapping)) {
            throw wrongType(node, path, "a mapping", "{" + String.join(": …, ", known.subList(0, Math.min(2,
                    known.size()))) + ": …}");
        }
        Map<String, NodeTuple> entries = entries(mapping, path);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String key = e.getKey();
            if (known.contains(key) || (path.isEmpty() && key.startsWith("x-"))) {
                continue;
            }
            throw new PolicyException(file, line(e.getValue().getKeyNode()), join(path, key),
                    unknownKey(key, e.getValue().getValueNode(), path, known));
        }
        return new Section(path, line(keyNode == null ? node : keyNode), mapping, entries);
    }

    /**
     * The entries of a mapping by key text, in file order, merges ({@code <<}) applied: keys written in the
     * mapping win over merged ones, earlier merge sources over later ones. Refuses duplicate and non-text keys.
     */
    private Map<String, NodeTuple> entries(MappingNode mapping, String path) {
        return entries(mapping, path, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private Map<String, NodeTuple> entries(MappingNode mapping, String path, Set<Node> merging) {
        merging.add(mapping);
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        List<NodeTuple> merges = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                throw new PolicyException(file, line(keyNode), path, "a key must be plain text, not "
                        + describe(keyNode));
            }
            if (key.getTag().equals(Tag.MERGE)) {
                merges.add(tuple);
                continue;
            }
            NodeTuple first = entries.putIfAbsent(key.getValue(), tuple);
            if (first != null) {
                throw new PolicyException(file, line(keyNode), join(path, key.getValue()),
                        "duplicate key (first at line " + line(first.getKeyNode()) + ")");
            }
        }
        for (NodeTuple merge : merges) {
            Node value = merge.getValueNode();
            List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
            for (Node source : sources) {
                if (!(source instanceof MappingNode sourceMapping)) {
                    throw new PolicyException(file, line(source), join(path, "<<"),
                            "a merge (<<) takes a mapping or a list of mappings, got " + describe(source));
                }
                if (merging.contains(sourceMapping)) {
                    throw new PolicyException(file, line(merge.getKeyNode()), join(path, "<<"),
                            "a merge (<<) takes in the mapping it belongs to");
                }
                entries(sourceMapping, path, merging).forEach(entries::putIfAbsent);
            }
        }
        merging.remove(mapping);
        return entries;
    }

    private String unknownKey(String key, Node value, String path, List<String> known) {
        boolean top = path.isEmpty();
        if (top && TARGET_KEYS.contains(key)) {
            return "unknown key at the top level: " + key + " is set per target, under targets.<name>";
        }
        if (top && value instanceof MappingNode m && m.getValue().stream().anyMatch(t ->
                t.getKeyNode() instanceof ScalarNode k && (k.getValue().equals("adapter")
                        || k.getValue().equals("max-duration")))) {
            return "unknown key at the top level; if " + key + " is a target, put it under targets:";
        }
        if (known == TARGET_KEYS && TOP_KEYS.contains(key)) {
            return "unknown key in a target: " + key + " is set once for the whole policy, at the top level";
        }
        Optional<String> near = nearest(key, known);
        if (near.isPresent()) {
            return "unknown key; did you mean " + near.get() + "?";
        }
        return "unknown key (known here: " + String.join(", ", known) + ")";
    }

    /** The known key {@code key} was probably meant to be: same words in another case or style, or 1–2 typos. */
    static Optional<String> nearest(String key, Collection<String> known) {
        String normal = key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replace('_', '-').replace(' ', '-');
        if (known.contains(normal)) {
            return Optional.of(normal);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = EditDistance.between(normal, k);
            int allowed = Math.min(k.length(), normal.length()) <= 4 ? 1 : 2;
            if (d <= allowed && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    // ---- records' own rules -------------------------------------------------------------------------------

    /**
     * Runs a record constructor; a refusal is reported at the field it names (or at the object when that field
     * is not written in the file, e.g. a default that does not fit).
     */
    private <T> T build(Section s, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidPolicyException e) {
            Node at = null;
            Node current = s.node;
            String path = s.path;
            int line = s.line;
            for (String segment : e.field()) {
                boolean isIndex = segment.startsWith("[");
                path = isIndex ? path + segment : join(path, segment);
                if (current == null) {
                    continue;
                }
                if (isIndex && current instanceof SequenceNode seq) {
                    int i = Integer.parseInt(segment.substring(1, segment.length() - 1));
                    current = i < seq.getValue().size() ? seq.getValue().get(i) : null;
                    at = current;
                } else if (!isIndex && current instanceof MappingNode mapping) {
                    NodeTuple tuple = entries(mapping, path).get(segment);
                    at = tuple == null ? null : tuple.getKeyNode();
                    current = tuple == null ? null : tuple.getValueNode();
                } else {
                    current = null;
                }
                if (at != null) {
                    line = line(at);
                }
            }
            throw new PolicyException(file, line, path, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(file, s.line, s.path, e.getMessage(), e);
        }
    }

    // ---- YAML ---------------------------------------------------------------------------------------------

    private Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder problem = new StringBuilder("YAML syntax error: ");
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            problem.append(what == null ? "unreadable" : what.strip());
            if (e.getContext() != null && e.getProblem() != null) {
                problem.append(" (").append(e.getContext().strip());
                if (e.getContextMark() != null && mark != null && e.getContextMark().getLine() != mark.getLine()) {
                    problem.append(" at line ").append(e.getContextMark().getLine() + 1);
                }
                problem.append(')');
            }
            String all = String.valueOf(e.getContext()) + ' ' + e.getProblem();
            if (all.contains("expected a single document")) {
                problem.setLength(0);
                problem.append("a second YAML document starts here (---): a policy is a single document");
            } else if (all.contains("alias")) {
                problem.append("; a bare * starts a YAML alias: write \"*\" (quoted) for anyone");
            }
            throw new PolicyException(file, mark == null ? 0 : mark.getLine() + 1, "", problem.toString(), e);
        } catch (YAMLException e) {
            throw new PolicyException(file, 0, "", "cannot be read as YAML: " + e.getMessage(), e);
        }
    }

    private PolicyException wrongType(Node node, String path, String expected, String example) {
        return new PolicyException(file, line(node), path, "expected " + expected
                + (example == null || example.isEmpty() ? "" : ", like " + example) + ", got " + describe(node));
    }

    private static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return "nothing";
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "the number " + scalar.getValue();
        }
        if (tag.equals(Tag.BOOL)) {
            return scalar.getValue() + " (a yes/no value)";
        }
        return "the text \"" + scalar.getValue() + "\"";
    }

    /** When the key's line has {@code key: # …}, the value was probably eaten as a comment. */
    private String commentHint(Node keyNode) {
        int i = keyNode.getStartMark().getLine();
        if (i < lines.length && lines[i].matches(".*:\\s+#.*")) {
            return " (in YAML, # after a space starts a comment; quote a value that has one)";
        }
        return "";
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** SnakeYAML's own reading of YAML 1.1 numbers, booleans and null (0x1F, 1_000, yes/no, ~). */
    private static final class ScalarValues extends SafeConstructor {
        static final ScalarValues INSTANCE = new ScalarValues();

        private ScalarValues() {
            super(new LoaderOptions());
        }

        Object construct(ScalarNode node) {
            return yamlConstructors.get(node.getTag()).construct(node);
        }
    }
}

package dev.breakglass.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the bot posts: request cards go to {@code approvals}; every state change goes to each {@code notify}
 * channel whose filter accepts it, as it happens (emergency grants and revocation failures as alerts).
 *
 * <p>All are Slack channel ids, never names: {@code C…} (public) or {@code G…} (private, older workspaces),
 * upper-case letters and digits, at most 32 characters. The approvals channel may also appear in
 * {@code notify}; the bot then posts there twice, which is allowed but rarely wanted.
 *
 * <p>The component is {@code notifyTargets}, not {@code notify}: a record cannot have an accessor named
 * like {@link Object#notify()}. {@link #notifyChannels()} gives just the ids.
 *
 * @param approvals     the channel for request cards (required)
 * @param notifyTargets the policy file's {@code notify}: channels for the real-time feed with the events each
 *                      gets, in order, no channel twice; null is the empty list
 * @param security      the policy file's {@code security}: where signed audit checkpoints go; null when unset, and
 *                      then they go to every notify channel ({@link #checkpointChannels()})
 */
public record Channels(String approvals, List<NotifyTarget> notifyTargets, String security) {
    private static final Pattern CHANNEL_ID = Pattern.compile("[CG][A-Z0-9]{1,31}");

    public Channels {
        if (approvals == null || approvals.isEmpty()) {
            throw InvalidPolicyException.at("approvals",
                    "approvals is missing: the id of the channel for request cards, like C0APPROVALS");
        }
        requireChannelId(approvals, List.of("approvals"));
        notifyTargets = notifyTargets == null ? List.of() : new ArrayList<>(notifyTargets);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < notifyTargets.size(); i++) {
            if (notifyTargets.get(i) == null) {
                throw new InvalidPolicyException(List.of("notify", "[" + i + "]"), "notify has an empty entry");
            }
            if (!seen.add(notifyTargets.get(i).channel())) {
                throw new InvalidPolicyException(List.of("notify", "[" + i + "]"),
                        "notify lists " + notifyTargets.get(i).channel() + " twice");
            }
        }
        notifyTargets = List.copyOf(notifyTargets);
        if (security != null) {
            requireChannelId(security, List.of("security"));
        }
    }

    /** No security channel: checkpoints go to the notify channels. */
    public Channels(String approvals, List<NotifyTarget> notifyTargets) {
        this(approvals, notifyTargets, null);
    }

    /**
     * Notify channels that get every event (the policy's plain list form).
     *
     * @param notifyChannels channel ids in order, no repeats; null is the empty list
     */
    public Channels(String approvals, Collection<String> notifyChannels) {
        this(approvals, everything(notifyChannels));
    }

    /** Only the approvals channel, no notify channels. */
    public Channels(String approvals) {
        this(approvals, (List<NotifyTarget>) null);
    }

    /** Where audit checkpoints are published: the security channel, else every notify channel (maybe none). */
    public List<String> checkpointChannels() {
        return security != null ? List.of(security) : notifyChannels();
    }

    /** The notify channels' ids, in order, whatever their filters. */
    public List<String> notifyChannels() {
        return notifyTargets.stream().map(NotifyTarget::channel).toList();
    }

    private static List<NotifyTarget> everything(Collection<String> ids) {
        if (ids == null) {
            return null;
        }
        List<String> list = Checks.distinct(new ArrayList<>(ids), "notify");
        List<NotifyTarget> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            requireChannelId(list.get(i), List.of("notify", "[" + i + "]"));
            out.add(NotifyTarget.all(list.get(i)));
        }
        return out;
    }

    static void requireChannelId(String id, List<String> field) {
        if (CHANNEL_ID.matcher(id).matches()) {
            return;
        }
        String upper = id.toUpperCase(Locale.ROOT);
        if (id.chars().anyMatch(Character::isDigit) && CHANNEL_ID.matcher(upper).matches()) {
            throw new InvalidPolicyException(field,
                    "\"" + id + "\" is not a channel id: Slack ids are upper case (" + upper + ")");
        }
        throw new InvalidPolicyException(field, "\"" + id + "\" is not a channel id: use the id (C… or G…) "
                + "shown at the bottom of the channel's details, not its name");
    }
}

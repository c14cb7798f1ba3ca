package dev.breakglass.policy;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the bot posts: request cards go to {@code approvals}; every state change goes to each {@code notify}
 * channel as it happens (and revocation failures and emergency grants alert them).
 *
 * <p>Both are Slack channel ids, never names: {@code C…} (public) or {@code G…} (private, older workspaces),
 * upper-case letters and digits, at most 32 characters. The approvals channel may also appear in
 * {@code notify}; the bot then posts there twice, which is allowed but rarely wanted.
 *
 * <p>The component is {@code notifyChannels}, not {@code notify}: a record cannot have an accessor named
 * like {@link Object#notify()}.
 *
 * @param approvals      the channel for request cards (required)
 * @param notifyChannels the policy file's {@code notify}: channels for the real-time feed, in order, no repeats;
 *                       null is the empty list
 */
public record Channels(String approvals, List<String> notifyChannels) {
    private static final Pattern CHANNEL_ID = Pattern.compile("[CG][A-Z0-9]{1,31}");

    public Channels {
        if (approvals == null || approvals.isEmpty()) {
            throw InvalidPolicyException.at("approvals",
                    "approvals is missing: the id of the channel for request cards, like C0APPROVALS");
        }
        requireChannelId(approvals, List.of("approvals"));
        notifyChannels = Checks.distinct(notifyChannels, "notify");
        for (int i = 0; i < notifyChannels.size(); i++) {
            requireChannelId(notifyChannels.get(i), List.of("notify", "[" + i + "]"));
        }
    }

    /** Only the approvals channel, no notify channels. */
    public Channels(String approvals) {
        this(approvals, List.of());
    }

    private static void requireChannelId(String id, List<String> field) {
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

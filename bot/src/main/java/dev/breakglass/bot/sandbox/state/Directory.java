package dev.breakglass.bot.sandbox.state;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The people, user groups and channels of the emulated workspace. Immutable.
 *
 * <p>Edge cases: ids must be unique across users, groups and channels; a group may only name users of this
 * directory; every user is treated as a member of every channel (the emulator does not model membership, so
 * {@code not_in_channel} never happens).
 *
 * @param users    people and bots ({@code U…} or {@code W…})
 * @param groups   user groups ({@code S…})
 * @param channels public or private channels ({@code C…} or {@code G…}); DMs ({@code D…}) are created by the
 *                 emulator on demand
 */
public record Directory(List<User> users, List<UserGroup> groups, List<Channel> channels) {

    public Directory {
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        channels = List.copyOf(channels);
        Set<String> ids = new HashSet<>();
        for (User u : users) {
            requireUnique(ids, u.id());
        }
        for (UserGroup g : groups) {
            requireUnique(ids, g.id());
            for (String member : g.memberIds()) {
                if (users.stream().noneMatch(u -> u.id().equals(member))) {
                    throw new IllegalArgumentException("group " + g.id() + " names unknown user " + member);
                }
            }
        }
        for (Channel c : channels) {
            requireUnique(ids, c.id());
        }
    }

    private static void requireUnique(Set<String> ids, String id) {
        if (!ids.add(id)) {
            throw new IllegalArgumentException("duplicate id in directory: " + id);
        }
    }

    /**
     * This directory with the members of group {@code groupId} replaced by {@code memberIds}.
     *
     * @throws IllegalArgumentException when there is no such group, or a member is not a user of this directory
     */
    public Directory withGroupMembers(String groupId, List<String> memberIds) {
        UserGroup old = group(groupId).orElseThrow(() -> new IllegalArgumentException("no such user group: " + groupId));
        List<UserGroup> changed = groups.stream().map(g -> g.id().equals(groupId)
                ? new UserGroup(old.id(), old.handle(), old.name(), memberIds) : g).toList();
        return new Directory(users, changed, channels);
    }

    public Optional<User> user(String id) {
        return users.stream().filter(u -> u.id().equals(id)).findFirst();
    }

    public Optional<UserGroup> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    public Optional<Channel> channel(String id) {
        return channels.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /**
     * A member of the workspace.
     *
     * @param id       {@code U…} or {@code W…}
     * @param name     the handle ({@code alice}); {@code user_name} in slash commands
     * @param realName full name
     * @param email    {@code profile.email} (Slack returns it only with {@code users:read.email}; the emulator
     *                 always does)
     * @param title    {@code profile.title}, may be empty
     * @param tz       IANA zone id; {@code tz_label} and {@code tz_offset} are derived from it and the clock
     * @param isBot    true for bot users
     */
    public record User(String id, String name, String realName, String email, String title, String tz,
                       boolean isBot) {
        public User {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(realName, "realName");
            Objects.requireNonNull(tz, "tz");
            email = email == null ? "" : email;
            title = title == null ? "" : title;
            if (!(id.startsWith("U") || id.startsWith("W"))) {
                throw new IllegalArgumentException("a user id starts with U or W: " + id);
            }
            java.time.ZoneId.of(tz); // fails fast on a bad zone
        }
    }

    /**
     * A user group.
     *
     * @param id        {@code S…}
     * @param handle    the mention handle ({@code oncall})
     * @param name      display name
     * @param memberIds user ids, in order
     */
    public record UserGroup(String id, String handle, String name, List<String> memberIds) {
        public UserGroup {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(handle, "handle");
            Objects.requireNonNull(name, "name");
            memberIds = List.copyOf(memberIds);
            if (!id.startsWith("S")) {
                throw new IllegalArgumentException("a user group id starts with S: " + id);
            }
        }
    }

    /**
     * A channel.
     *
     * @param id   {@code C…} (public) or {@code G…} (private)
     * @param name without {@code #}
     */
    public record Channel(String id, String name) {
        public Channel {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            if (!(id.startsWith("C") || id.startsWith("G"))) {
                throw new IllegalArgumentException("a channel id starts with C or G: " + id);
            }
        }
    }
}

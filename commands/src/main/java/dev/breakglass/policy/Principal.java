package dev.breakglass.policy;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a policy list names: one Slack user, the members of one Slack user group, or anyone.
 *
 * <p>Written in the policy file as Slack ids, never names: {@code U0ALICE} or {@code W0ALICE} (a user; W is an
 * Enterprise Grid user), {@code S0ONCALL} (a user group), or {@code "*"} (anyone in the workspace; quote it in
 * YAML, where a bare {@code *} starts an alias). Ids are upper-case letters and digits after the prefix, at most
 * 32 characters in all. Group membership is not known here: whoever checks a user against a list supplies the
 * user's groups (see {@link #includes}).
 */
public sealed interface Principal permits Principal.UserId, Principal.UserGroupId, Principal.Anyone {

    /** The only {@link Anyone}. */
    Anyone ANYONE = new Anyone();

    /**
     * Reads one entry of a policy list.
     *
     * @param text {@code U…}, {@code W…}, {@code S…} or {@code *}, exactly (no {@code @}, no {@code <@…>},
     *             no spaces, upper case)
     * @throws IllegalArgumentException saying what the entry is not, and how to write it
     */
    static Principal parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an empty entry is not a user id (U…/W…), user group id (S…) or \"*\"");
        }
        if (text.equals("*")) {
            return ANYONE;
        }
        if (UserId.FORM.matcher(text).matches()) {
            return new UserId(text);
        }
        if (UserGroupId.FORM.matcher(text).matches()) {
            return new UserGroupId(text);
        }
        String upper = text.toUpperCase(Locale.ROOT);
        if (!upper.equals(text) && text.chars().anyMatch(Character::isDigit)
                && (UserId.FORM.matcher(upper).matches() || UserGroupId.FORM.matcher(upper).matches())) {
            throw new IllegalArgumentException("\"" + text + "\" is not an id: Slack ids are upper case (" + upper + ")");
        }
        if (text.startsWith("@") || text.startsWith("<@") || text.startsWith("<!")) {
            throw new IllegalArgumentException("\"" + text + "\" is a mention, not an id: use the user's id (U…/W…) "
                    + "or the user group's id (S…), as Slack shows them in the profile");
        }
        throw new IllegalArgumentException(
                "\"" + text + "\" is not a user id (U…/W…), user group id (S…) or \"*\" (anyone)");
    }

    /** As written in the policy file: the id, or {@code *}. */
    String text();

    /**
     * Whether this entry covers a user.
     *
     * @param userId       the user's Slack id
     * @param userGroupIds the ids of the user groups the user belongs to (empty when unknown)
     */
    boolean includes(String userId, Set<String> userGroupIds);

    /** One Slack user: {@code U…} or, on Enterprise Grid, {@code W…}. */
    record UserId(String id) implements Principal {
        static final Pattern FORM = Pattern.compile("[UW][A-Z0-9]{1,31}");

        public UserId {
            Objects.requireNonNull(id, "id");
            if (!FORM.matcher(id).matches()) {
                throw new IllegalArgumentException("\"" + id + "\" is not a user id (U… or W…, upper-case letters and digits)");
            }
        }

        @Override
        public String text() {
            return id;
        }

        @Override
        public boolean includes(String userId, Set<String> userGroupIds) {
            return id.equals(userId);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The members of one Slack user group ({@code S…}), as they are when checked, not when the policy loaded. */
    record UserGroupId(String id) implements Principal {
        static final Pattern FORM = Pattern.compile("S[A-Z0-9]{1,31}");

        public UserGroupId {
            Objects.requireNonNull(id, "id");
            if (!FORM.matcher(id).matches()) {
                throw new IllegalArgumentException("\"" + id + "\" is not a user group id (S…, upper-case letters and digits)");
            }
        }

        @Override
        public String text() {
            return id;
        }

        @Override
        public boolean includes(String userId, Set<String> userGroupIds) {
            return userGroupIds.contains(id);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** Anyone in the workspace ({@code "*"}). Use {@link Principal#ANYONE}. */
    record Anyone() implements Principal {
        @Override
        public String text() {
            return "*";
        }

        @Override
        public boolean includes(String userId, Set<String> userGroupIds) {
            return userId != null && !userId.isEmpty();
        }

        @Override
        public String toString() {
            return "*";
        }
    }
}

package dev.breakglass.bot.slack.outbound;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.usergroups.users.UsergroupsUsersListResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import dev.breakglass.port.PeopleDirectory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group memberships and emails from Slack: {@code usergroups.users.list} and {@code users.info}.
 *
 * <p>Two reads, for two purposes. {@link #groupsOf}, for showing things (who may see a grant, which targets the
 * form offers, App Home), is cached for {@link #FRESH}; when Slack fails, a cached answer up to
 * {@link #STALE_LIMIT} old is used. {@link #currentGroupsOf}, for deciding whether someone may act (approve,
 * break the glass, extend, reveal, revoke, sign off), always asks Slack and refreshes the cache; when Slack fails
 * the user counts as not a member — failing closed, so an outage can refuse an action but a person removed from a
 * group can never act on a stale answer.
 *
 * <p>Slack allows {@code usergroups.users.list} about 20 calls a minute, and a busy incident brings decisions in
 * bursts, so calls about one group are shared: one runs at a time, those who ask meanwhile wait for it to end, and
 * the next call answers all of them. An answer is never older than the question: a call that had already started
 * when someone asked does not answer them ({@link #current}). A failed call fails closed for everyone it answers.
 */
@Singleton
public class SlackPeopleDirectory implements PeopleDirectory {
    static final Duration FRESH = Duration.ofMinutes(1);
    static final Duration STALE_LIMIT = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(SlackPeopleDirectory.class);

    private final MethodsClient slack;
    private final Clock clock;
    private final Map<String, Members> groups = new ConcurrentHashMap<>();
    private final Map<String, Email> emails = new ConcurrentHashMap<>();
    /** Per group: the calls about it, one at a time ({@link #current}). */
    private final Map<String, Calls> calls = new ConcurrentHashMap<>();
    /** Orders questions and calls: a call answers a question only if it took a later number. */
    private final AtomicLong numbers = new AtomicLong();
    /** Emails change rarely; an hour keeps lookups cheap and a changed address current within the hour. */
    static final Duration EMAIL_FRESH = Duration.ofHours(1);

    public SlackPeopleDirectory(MethodsClient slack, Clock clock) {
        this.slack = slack;
        this.clock = clock;
    }

    private record Members(Set<String> users, Instant fetchedAt) {
    }

    /** The calls about one group: one at a time under {@code lock}; the latest one's number and answer. */
    private static final class Calls {
        final ReentrantLock lock = new ReentrantLock();
        long started = -1;
        Optional<Set<String>> answer = Optional.empty();
    }

    private record Email(Optional<String> address, Instant fetchedAt) {
    }

    @Override
    public Set<String> groupsOf(String userId, Set<String> groupIds) {
        Set<String> out = new HashSet<>();
        for (String group : groupIds) {
            members(group).filter(m -> m.contains(userId)).ifPresent(m -> out.add(group));
        }
        return out;
    }

    @Override
    public Set<String> currentGroupsOf(String userId, Set<String> groupIds) {
        Set<String> out = new HashSet<>();
        for (String group : groupIds) {
            current(group).filter(m -> m.contains(userId)).ifPresent(m -> out.add(group));
        }
        return out;
    }

    private Optional<Set<String>> members(String group) {
        Instant now = clock.instant();
        Members cached = groups.get(group);
        if (cached != null && cached.fetchedAt().plus(FRESH).isAfter(now)) {
            return Optional.of(cached.users());
        }
        Optional<Set<String>> fresh = current(group);
        if (fresh.isPresent()) {
            return fresh;
        }
        if (cached != null && cached.fetchedAt().plus(STALE_LIMIT).isAfter(now)) {
            return Optional.of(cached.users());
        }
        return Optional.empty();
    }

    /**
     * The group's members from a call that started after this question, shared with everyone who asked meanwhile;
     * empty when Slack fails (or the call throws).
     */
    private Optional<Set<String>> current(String group) {
        long asked = numbers.get();
        Calls c = calls.computeIfAbsent(group, g -> new Calls());
        c.lock.lock();
        try {
            if (c.started > asked) {
                return c.answer; // started after the question, while it waited: as fresh as a call of its own
            }
            long started = numbers.incrementAndGet();
            Optional<Set<String>> answer = Optional.empty();
            try {
                answer = fetch(group, clock.instant());
            } finally {
                c.started = started;
                c.answer = answer;
            }
            return answer;
        } finally {
            c.lock.unlock();
        }
    }

    /** The group's members as Slack says now (and cached for {@link #members}); empty when Slack fails. */
    private Optional<Set<String>> fetch(String group, Instant now) {
        try {
            UsergroupsUsersListResponse r = slack.usergroupsUsersList(b -> b.usergroup(group));
            if (r.isOk()) {
                Members fresh = new Members(Set.copyOf(r.getUsers() == null ? List.of() : r.getUsers()), now);
                groups.put(group, fresh);
                return Optional.of(fresh.users());
            }
            LOG.warn("usergroups.users.list {} failed: {}", group, r.getError());
        } catch (IOException | SlackApiException e) {
            LOG.warn("usergroups.users.list {} failed: {}", group, e.getMessage());
        }
        return Optional.empty();
    }

    /** Cached for an hour once Slack answered; a failed lookup is not cached, so the next grant asks again. */
    @Override
    public Optional<String> email(String userId) {
        Email cached = emails.get(userId);
        if (cached != null && cached.fetchedAt().plus(EMAIL_FRESH).isAfter(clock.instant())) {
            return cached.address();
        }
        try {
            UsersInfoResponse r = slack.usersInfo(b -> b.user(userId));
            if (r.isOk() && r.getUser() != null) {
                Optional<String> email = Optional.ofNullable(r.getUser().getProfile())
                        .map(p -> p.getEmail()).filter(e -> !e.isBlank());
                emails.put(userId, new Email(email, clock.instant()));
                return email;
            }
            LOG.warn("users.info {} failed: {}", userId, r.getError());
        } catch (IOException | SlackApiException e) {
            LOG.warn("users.info {} failed: {}", userId, e.getMessage());
        }
        return Optional.empty();
    }
}

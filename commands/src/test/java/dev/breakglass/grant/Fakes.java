package dev.breakglass.grant;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.GrantScheduler;
import dev.breakglass.port.GrantStore;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import dev.breakglass.port.TargetRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** In-memory stand-ins for the ports, for the core's own tests. */
public final class Fakes {
    private Fakes() {
    }

    /**
     * Grants in a map; update is a compare-and-set on the version, like the JDBC store, and a save's events land
     * in {@link #events} with it (under the same lock), as the JDBC store writes them in the save's transaction.
     */
    public static class MemoryGrantStore implements GrantStore {
        private final Map<GrantId, Grant> grants = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final Set<String> once = new java.util.HashSet<>();
        /** Every event stored, in order. */
        final Events events = new Events();

        @Override
        public synchronized Grant create(NewGrant request, java.util.function.Function<Grant, List<GrantEvent>> of) {
            Grant g = Grant.pending(new GrantId(ids.incrementAndGet()), request);
            grants.put(g.id(), g);
            of.apply(g).forEach(events::add);
            return g;
        }

        @Override
        public synchronized boolean record(GrantEvent event, boolean oncePerGrant) {
            if (oncePerGrant && !once.add(event.getClass().getSimpleName() + "@" + event.grant().id())) {
                return false;
            }
            events.add(event);
            return true;
        }

        @Override
        public Optional<Grant> find(GrantId id) {
            return Optional.ofNullable(grants.get(id));
        }

        @Override
        public synchronized Optional<Grant> update(Grant changed,
                                                   java.util.function.Function<Grant, List<GrantEvent>> of) {
            Grant stored = grants.get(changed.id());
            if (stored == null || stored.version() != changed.version()) {
                return Optional.empty();
            }
            Grant saved = changed.savedAs(changed.version() + 1);
            grants.put(saved.id(), saved);
            of.apply(saved).forEach(events::add);
            return Optional.of(saved);
        }

        @Override
        public int countRequestedSince(String requester, Instant since) {
            return (int) grants.values().stream().filter(g -> g.requester().equals(requester)
                    && !g.requestedAt().isBefore(since)).count();
        }

        @Override
        public List<Grant> findNewestByState(Set<GrantState> states, int limit) {
            List<Grant> all = findByState(states);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }

        @Override
        public List<Grant> findByState(Set<GrantState> states) {
            return grants.values().stream().filter(g -> states.contains(g.state()))
                    .sorted((a, b) -> Long.compare(a.id().value(), b.id().value())).collect(Collectors.toList());
        }

        @Override
        public List<Grant> findPostMortemsDue(Instant now) {
            return findByState(java.util.EnumSet.of(GrantState.EXPIRED, GrantState.REVOKED)).stream()
                    .filter(g -> g.postMortem().openedAt().isEmpty()
                            || g.postMortem().nextReminderAt().map(t -> !t.isAfter(now)).orElse(false))
                    .collect(Collectors.toList());
        }
    }

    /** Group memberships as given. */
    static final class People implements PeopleDirectory {
        final Map<String, Set<String>> members = new HashMap<>();

        People member(String group, String... users) {
            members.put(group, Set.of(users));
            return this;
        }

        @Override
        public Set<String> groupsOf(String userId, Set<String> groupIds) {
            return groupIds.stream().filter(g -> members.getOrDefault(g, Set.of()).contains(userId))
                    .collect(Collectors.toSet());
        }

        @Override
        public Set<String> currentGroupsOf(String userId, Set<String> groupIds) {
            return groupsOf(userId, groupIds);
        }

        @Override
        public Optional<String> email(String userId) {
            return Optional.of(userId.toLowerCase() + "@example.test");
        }
    }

    /** A target that records its calls and fails on demand. */
    static class RecordingTarget implements TargetAdapter, TargetRegistry {
        final List<GrantRequest> grants = new ArrayList<>();
        final List<GrantId> revokes = new ArrayList<>();
        final List<GrantId> verifies = new ArrayList<>();
        final Set<GrantId> live = ConcurrentHashMap.newKeySet();
        String failWith;
        int failRevokes;
        boolean verifyLies;
        Credentials credentials = new Credentials(Map.of("user", "bg-user"));
        Extending extending = Extending.NO_BUILT_IN_END;
        final List<Instant> extendedTo = new ArrayList<>();
        String failExtendWith;
        Credentials extendCredentials;

        @Override
        public synchronized Provisioned grant(GrantRequest request) throws TargetException {
            grants.add(request);
            if (failWith != null) {
                throw new TargetException(failWith);
            }
            live.add(request.id());
            return new Provisioned(request, "{\"account\":\"bg-" + request.id().value() + "\"}",
                    Optional.ofNullable(credentials));
        }

        @Override
        public synchronized void revoke(Provisioned provisioned) throws TargetException {
            revokes.add(provisioned.request().id());
            if (failRevokes > 0) {
                failRevokes--;
                throw new TargetException("target unreachable");
            }
            live.remove(provisioned.request().id());
        }

        @Override
        public Extending extending() {
            return extending;
        }

        @Override
        public synchronized Provisioned extend(Provisioned provisioned, Instant newEnd) throws TargetException {
            extendedTo.add(newEnd);
            if (failExtendWith != null) {
                throw new TargetException(failExtendWith);
            }
            Provisioned moved = provisioned.endingAt(newEnd);
            return new Provisioned(moved.request(), moved.handle(), Optional.ofNullable(extendCredentials));
        }

        @Override
        public synchronized boolean verifyRevoked(Provisioned provisioned) {
            verifies.add(provisioned.request().id());
            return !verifyLies && !live.contains(provisioned.request().id());
        }

        @Override
        public Optional<TargetAdapter> adapter(String target) {
            return Optional.of(this);
        }
    }

    /** The events a {@link MemoryGrantStore} stored, in order. */
    static final class Events {
        final List<GrantEvent> published = new ArrayList<>();

        synchronized void add(GrantEvent event) {
            published.add(event);
        }

        /** The latest event of this kind; fails when there is none. */
        synchronized <T extends GrantEvent> T last(Class<T> kind) {
            for (int i = published.size() - 1; i >= 0; i--) {
                if (kind.isInstance(published.get(i))) {
                    return kind.cast(published.get(i));
                }
            }
            throw new AssertionError("no " + kind.getSimpleName() + " in " + published);
        }

        List<Class<?>> kinds() {
            return published.stream().<Class<?>>map(Object::getClass).toList();
        }
    }

    record Timer(GrantId grant, GrantScheduler.Due due, Instant when) {
    }

    static final class Timers implements GrantScheduler {
        final List<Timer> scheduled = new ArrayList<>();

        @Override
        public synchronized void schedule(GrantId grant, Due due, Instant when) {
            scheduled.add(new Timer(grant, due, when));
        }
    }

    static class Vault implements CredentialVault {
        final Map<GrantId, Credentials> sealed = new HashMap<>();
        final Map<GrantId, Integer> reveals = new HashMap<>();

        @Override
        public synchronized void seal(GrantId grant, Credentials credentials) {
            credentials.fields().forEach((label, value) -> {
                if (label == null || value == null) {
                    throw new IllegalArgumentException("credential field " + label + " has no value");
                }
            });
            sealed.put(grant, credentials);
            reveals.put(grant, 0);
        }

        @Override
        public synchronized Reveal reveal(GrantId grant, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("reveal limit must be at least 1, not " + limit);
            }
            Credentials c = sealed.get(grant);
            if (c == null) {
                return new Reveal.Gone();
            }
            int done = reveals.get(grant);
            if (done >= limit) {
                return new Reveal.Exhausted(limit);
            }
            reveals.put(grant, done + 1);
            return new Reveal.Revealed(c, limit - done - 1);
        }

        @Override
        public synchronized void giveBack(GrantId grant) {
            reveals.computeIfPresent(grant, (g, n) -> Math.max(0, n - 1));
        }

        @Override
        public synchronized void destroy(GrantId grant) {
            sealed.remove(grant);
            reveals.remove(grant);
        }
    }

    /** The use cases of a grant's life over the same ports, as the bot's factory puts them together. */
    record UseCases(RequestService requests, AccessService access, ExtensionService extensions, QueryService queries) {
    }

    static UseCases useCases(GrantStore store, dev.breakglass.policy.Policy policy, PeopleDirectory people,
                             TargetRegistry targets, CredentialVault vault, GrantScheduler scheduler, Clock clock) {
        return useCases(store, policy, people, targets, vault, scheduler, clock, RevocationTimings.DEFAULT);
    }

    static UseCases useCases(GrantStore store, dev.breakglass.policy.Policy policy, PeopleDirectory people,
                             TargetRegistry targets, CredentialVault vault, GrantScheduler scheduler, Clock clock,
                             RevocationTimings timings) {
        dev.breakglass.policy.Permissions permissions = new dev.breakglass.policy.Permissions(policy, people);
        RequestService requests = new RequestService(store, policy, permissions, scheduler, clock);
        return new UseCases(requests,
                new AccessService(store, policy, permissions, people, targets, vault, scheduler, clock, timings,
                        requests),
                new ExtensionService(store, policy, permissions, targets, vault, scheduler, clock),
                new QueryService(store, permissions, grant -> List.of()));
    }
}

package dev.breakglass.bot.slack;

import dev.breakglass.bot.slack.outbound.SlackPeopleDirectory;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.testing.OffsetClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.slack.api.util.http.SlackHttpClient;
import dev.breakglass.bot.testing.RunningBot;
import okhttp3.OkHttpClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group memberships through Slack's Web API (the emulator): cached briefly for showing, fresh for acting. */
class SlackPeopleDirectoryTest {
    private final OffsetClock clock = OffsetClock.create("people-directory");
    private final SlackEmulator slack = SlackEmulator.sandbox("xoxb-test-token", null, clock);
    private final SlackPeopleDirectory people;

    SlackPeopleDirectoryTest() {
        people = new SlackPeopleDirectory(Slack.getInstance(config()).methods("xoxb-test-token"), clock);
    }

    private SlackConfig config() {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.apiUrl());
        config.getMethodsConfig().setStatsEnabled(false);
        return config;
    }

    @AfterEach
    void close() {
        slack.close();
    }

    private long listCalls() {
        return slack.calls("usergroups.users.list").size();
    }

    @Test
    void membershipsComeFromSlackAndAreCachedForAMinute() {
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL", "S0SECURITY")));
        assertEquals(2, listCalls());
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL", "S0SECURITY")));
        assertEquals(2, listCalls(), "served from the cache");
        clock.advance(Duration.ofSeconds(61));
        people.groupsOf("U0ALICE", Set.of("S0ONCALL"));
        assertEquals(3, listCalls(), "asked again once stale");
    }

    @Test
    void whenSlackFailsARecentAnswerIsUsedAndOtherwiseNobodyIsAMember() {
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL")));
        clock.advance(Duration.ofMinutes(2));
        slack.rateLimitNext("usergroups.users.list", 10, 30);
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL")), "stale but recent");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Set.of(), people.groupsOf("U0ALICE", Set.of("S0ONCALL")), "too old: fail closed");
        assertEquals(Set.of(), people.groupsOf("U0BOB", Set.of("S0SRELEADS")), "never known: fail closed");
    }

    @Test
    void membershipsForActingAreReadFreshAndFailClosed() {
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL")));
        slack.setGroupMembers("S0ONCALL", java.util.List.of("U0BOB")); // an admin removes Alice
        assertEquals(Set.of("S0ONCALL"), people.groupsOf("U0ALICE", Set.of("S0ONCALL")), "showing: cached");
        assertEquals(Set.of(), people.currentGroupsOf("U0ALICE", Set.of("S0ONCALL")), "acting: as it is now");
        assertEquals(Set.of("S0ONCALL"), people.currentGroupsOf("U0BOB", Set.of("S0ONCALL")));
        slack.rateLimitNext("usergroups.users.list", 10, 30);
        assertEquals(Set.of(), people.currentGroupsOf("U0BOB", Set.of("S0ONCALL")), "Slack failing: no stale answer");
    }

    @Test
    void unknownGroupsHaveNoMembersAndEmailsComeFromProfiles() {
        assertEquals(Set.of(), people.groupsOf("U0ALICE", Set.of("S0NOSUCHGROUP")));
        Optional<String> email = people.email("U0ALICE");
        assertEquals(slack.directory().users().stream().filter(u -> u.id().equals("U0ALICE")).findFirst()
                .map(u -> u.email()), email);
        assertEquals(Optional.empty(), people.email("U0NOBODY"));
    }

    /**
     * Ten decisions asked while a call about the group is out (Slack has answered it, the answer is on its way back)
     * wait for it, then share one call of their own: two calls for eleven questions, and none of the ten is answered
     * by the call that started before they asked — here, before an admin removed Alice from the group.
     */
    @Test
    void decisionsAskedDuringACallShareTheNextOneNeverOneThatStartedBefore() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lists = new AtomicInteger();
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
            okhttp3.Response response = chain.proceed(chain.request());
            if (chain.request().url().encodedPath().endsWith("usergroups.users.list") && lists.incrementAndGet() == 1) {
                answered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return response;
        }).build();
        SlackPeopleDirectory shared = new SlackPeopleDirectory(
                Slack.getInstance(config(), new SlackHttpClient(http)).methods("xoxb-test-token"), clock);
        Map<String, Set<String>> answers = new ConcurrentHashMap<>();
        Thread first = Thread.ofPlatform().start(() ->
                answers.put("first", shared.currentGroupsOf("U0ALICE", Set.of("S0ONCALL"))));
        assertTrue(answered.await(10, TimeUnit.SECONDS), "the first call reached Slack");
        slack.setGroupMembers("S0ONCALL", List.of("U0BOB")); // an admin removes Alice
        List<Thread> later = IntStream.range(0, 10).mapToObj(i -> Thread.ofPlatform().start(() ->
                answers.put("later-" + i, shared.currentGroupsOf("U0ALICE", Set.of("S0ONCALL"))))).toList();
        RunningBot.await(Duration.ofSeconds(10), () -> later.stream().allMatch(t -> t.getState() == Thread.State.WAITING),
                () -> "the ten wait for the call that is out: " + later.stream().map(Thread::getState).toList());
        release.countDown();
        first.join();
        for (Thread t : later) {
            t.join();
        }
        assertEquals(Set.of("S0ONCALL"), answers.get("first"), "asked before the removal");
        for (int i = 0; i < 10; i++) {
            assertEquals(Set.of(), answers.get("later-" + i), "asked after the removal: never the older call's answer");
        }
        assertEquals(2, listCalls(), "one call for the first, one shared by the ten");
    }
}

package dev.breakglass.bot.slack;

import dev.breakglass.bot.slack.outbound.SlackPeopleDirectory;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.testing.OffsetClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Group memberships through Slack's Web API (the emulator): cached briefly for showing, fresh for acting. */
class SlackPeopleDirectoryTest {
    private final OffsetClock clock = OffsetClock.create("people-directory");
    private final SlackEmulator slack = SlackEmulator.sandbox("xoxb-test-token", null, clock);
    private final SlackPeopleDirectory people;

    SlackPeopleDirectoryTest() {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.apiUrl());
        config.getMethodsConfig().setStatsEnabled(false);
        people = new SlackPeopleDirectory(Slack.getInstance(config).methods("xoxb-test-token"), clock);
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
}

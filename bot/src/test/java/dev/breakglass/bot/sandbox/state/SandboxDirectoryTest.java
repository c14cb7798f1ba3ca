package dev.breakglass.bot.sandbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxDirectoryTest {

    @Test
    void holdsTheDemoPeopleGroupsAndChannels() {
        Directory d = SandboxDirectory.directory();

        assertEquals(List.of("U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"), d.users().stream().map(Directory.User::id).toList());
        assertEquals(List.of("U0ALICE", "U0BOB"), d.group("S0ONCALL").orElseThrow().memberIds());
        assertEquals(List.of("U0BOB"), d.group("S0SRELEADS").orElseThrow().memberIds());
        assertEquals(List.of("U0CAROL"), d.group("S0SECURITY").orElseThrow().memberIds());
        assertEquals(List.of("C0APPROVALS", "C0SECURITY", "C0MGMT", "C0GENERAL"),
                d.channels().stream().map(Directory.Channel::id).toList());
        assertEquals("T0SANDBOX", SandboxDirectory.TEAM.id());
        assertEquals("alice", d.user("U0ALICE").orElseThrow().name());
        assertTrue(d.users().stream().noneMatch(Directory.User::isBot));
    }

    @Test
    void refusesGroupsNamingStrangersAndDuplicateIds() {
        Directory.User alice = new Directory.User("U1", "a", "A", "a@x", "", "UTC", false);
        assertThrows(IllegalArgumentException.class, () -> new Directory(List.of(alice),
                List.of(new Directory.UserGroup("S1", "g", "G", List.of("U2"))), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Directory(List.of(alice, alice), List.of(), List.of()));
    }

    @Test
    void refusesIdsWithTheWrongPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new Directory.User("C1", "a", "A", "", "", "UTC", false));
        assertThrows(IllegalArgumentException.class, () -> new Directory.UserGroup("U1", "g", "G", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Directory.Channel("U1", "general"));
        assertThrows(IllegalArgumentException.class, () -> new Team("X1", "n", "d"));
    }

    @Test
    void refusesAnUnknownTimeZone() {
        assertThrows(RuntimeException.class, () -> new Directory.User("U1", "a", "A", "", "", "Mars/Olympus", false));
    }
}

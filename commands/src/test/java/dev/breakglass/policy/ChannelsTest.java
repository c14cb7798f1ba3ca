package dev.breakglass.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelsTest {

    @Test
    void keepsIdsInOrder() {
        Channels c = new Channels("C0APPROVALS", List.of("C0SECURITY", "G0MGMT"));
        assertEquals("C0APPROVALS", c.approvals());
        assertEquals(List.of("C0SECURITY", "G0MGMT"), c.notifyChannels());
    }

    @Test
    void notifyIsOptionalAndUnmodifiable() {
        assertEquals(List.of(), new Channels("C0APPROVALS", (java.util.Collection<String>) null).notifyChannels());
        assertEquals(List.of(), new Channels("C0APPROVALS").notifyChannels());
        List<String> source = new ArrayList<>(List.of("C0SECURITY"));
        Channels c = new Channels("C0APPROVALS", source);
        source.add("C0OTHER");
        assertEquals(List.of("C0SECURITY"), c.notifyChannels());
        assertThrows(UnsupportedOperationException.class, () -> c.notifyChannels().add("C0X"));
    }

    @Test
    void approvalsIsRequired() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Channels(null, List.<String>of()));
        assertEquals(List.of("approvals"), e.field());
        assertTrue(e.getMessage().startsWith("approvals is missing"), e.getMessage());
    }

    @Test
    void approvalsMustBeAChannelId() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Channels("#approvals"));
        assertEquals(List.of("approvals"), e.field());
        assertTrue(e.getMessage().startsWith("\"#approvals\" is not a channel id"), e.getMessage());
        assertThrows(InvalidPolicyException.class, () -> new Channels("U0ALICE"));
        assertThrows(InvalidPolicyException.class, () -> new Channels("C"));
    }

    @Test
    void saysIdsAreUpperCase() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Channels("c0approvals"));
        assertEquals("\"c0approvals\" is not a channel id: Slack ids are upper case (C0APPROVALS)", e.getMessage());
    }

    @Test
    void notifyEntriesMustBeChannelIds() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Channels("C0APPROVALS", List.of("C0SECURITY", "security")));
        assertEquals(List.of("notify", "[1]"), e.field());
    }

    @Test
    void notifyHasNoRepeats() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new Channels("C0APPROVALS", List.of("C0SECURITY", "C0SECURITY")));
        assertEquals("notify lists C0SECURITY twice", e.getMessage());
        assertEquals(List.of("notify", "[1]"), e.field());
    }

    @Test
    void filteredNotifyChannels() {
        Channels c = new Channels("C0APPROVALS", List.of(NotifyTarget.all("C0SECURITY"),
                NotifyTarget.only("C0MGMT", List.of(NotifyTarget.Event.EMERGENCY))));
        assertEquals(List.of("C0SECURITY", "C0MGMT"), c.notifyChannels());
        assertTrue(c.notifyTargets().get(0).accepts(NotifyTarget.Event.REQUESTED));
        assertTrue(c.notifyTargets().get(1).accepts(NotifyTarget.Event.EMERGENCY));
        assertEquals(false, c.notifyTargets().get(1).accepts(NotifyTarget.Event.REQUESTED));
        assertEquals(new Channels("C0APPROVALS", List.of("C0SECURITY")),
                new Channels("C0APPROVALS", List.of(NotifyTarget.all("C0SECURITY"))), "the list form is every event");
    }

    @Test
    void aChannelIsListedOnceWhateverItsFilter() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> new Channels("C0APPROVALS",
                List.of(NotifyTarget.all("C0SECURITY"), NotifyTarget.only("C0SECURITY",
                        List.of(NotifyTarget.Event.EMERGENCY)))));
        assertEquals("notify lists C0SECURITY twice", e.getMessage());
        assertEquals(List.of("notify", "[1]"), e.field());
    }

    @Test
    void aFilterNeedsEventsAndAChannelId() {
        assertEquals(List.of("events"), assertThrows(InvalidPolicyException.class,
                () -> NotifyTarget.only("C0MGMT", List.of())).field());
        assertEquals(List.of("channel"), assertThrows(InvalidPolicyException.class,
                () -> NotifyTarget.all("#mgmt")).field());
    }

    @Test
    void eventNamesAreTheDocumentedVocabulary() {
        assertEquals("requested, approved, denied, cancelled, timed-out, emergency-offered, emergency, active, failed, "
                + "expiring, extension-requested, extended, extension-denied, expired, revoked, revocation-failed, "
                + "revocation-recovered, revocation-resolved, review-overdue, review-written, reviewed",
                NotifyTarget.Event.vocabulary());
        assertEquals(java.util.Optional.of(NotifyTarget.Event.TIMED_OUT), NotifyTarget.Event.byPolicyName("timed-out"));
        assertEquals(java.util.Optional.empty(), NotifyTarget.Event.byPolicyName("TIMED_OUT"));
    }
}

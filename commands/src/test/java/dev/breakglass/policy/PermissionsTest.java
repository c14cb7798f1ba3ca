package dev.breakglass.policy;

import dev.breakglass.grant.ShippedWords;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.policy.Permissions.Act;
import dev.breakglass.port.PeopleDirectory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may what, as a table: every {@link Act} against every kind of person, for a grant on a target whose roles
 * are all filled by different people. A wrong cell fails with the act and who.
 */
class PermissionsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final String ALICE = "U0ALICE";     // requester (on call)
    private static final String BOB = "U0BOB";         // approver (SRE) who approved
    private static final String CAROL = "U0CAROL";     // approver (SRE), not yet involved
    private static final String SEC = "U0SEC";         // revoker
    private static final String REV = "U0REV";         // reviewer
    private static final String MALLORY = "U0MALLORY"; // nobody
    private static final List<String> EVERYONE = List.of(ALICE, BOB, CAROL, SEC, REV, MALLORY);

    /** Group memberships: the cached view and the current one, apart, so a test can tell which was asked. */
    private static final class Directory implements PeopleDirectory {
        final Map<String, Set<String>> cached = new LinkedHashMap<>();
        final Map<String, Set<String>> now = new LinkedHashMap<>();

        Directory member(String group, String... users) {
            for (String u : users) {
                cached.computeIfAbsent(u, k -> new HashSet<>()).add(group);
                now.computeIfAbsent(u, k -> new HashSet<>()).add(group);
            }
            return this;
        }

        @Override
        public Set<String> groupsOf(String userId, Set<String> groupIds) {
            return cached.getOrDefault(userId, Set.of()).stream().filter(groupIds::contains).collect(Collectors.toSet());
        }

        @Override
        public Set<String> currentGroupsOf(String userId, Set<String> groupIds) {
            return now.getOrDefault(userId, Set.of()).stream().filter(groupIds::contains).collect(Collectors.toSet());
        }

        @Override
        public Optional<String> email(String userId) {
            return Optional.empty();
        }
    }

    private final Directory people = new Directory().member("S0ONCALL", ALICE).member("S0SRE", BOB, CAROL);
    private final Policy policy = policy();
    private final Permissions permissions = new Permissions(policy, people);

    private static Policy policy() {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                        List.of(new Principal.UserGroupId("S0SRE")))
                .requesters(new Principal.UserGroupId("S0ONCALL"))
                .revokers(new Principal.UserId(SEC)).reviewers(new Principal.UserId(REV)).build());
        targets.put("billing", TargetPolicy.builder("billing", "webhook", Duration.ofHours(1),
                List.of(new Principal.UserId(CAROL))).requesters(new Principal.UserId(BOB)).build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets, null, null, 1, null, null,
                10, new StepUpPolicy(false, List.of(new Principal.UserId(SEC)), null, null));
    }

    private static Grant grant(String target) {
        return Grant.pending(new GrantId(7), new NewGrant(ALICE, target, Optional.empty(), Duration.ofMinutes(30),
                "orders replica is down", Optional.empty(), 2, T0)).approvedBy(BOB, T0.plusSeconds(5)).savedAs(2);
    }

    private Set<String> allowed(Act act, Grant grant) {
        return EVERYONE.stream().filter(u -> permissions.may(act, grant, u) instanceof Permission.Allowed)
                .collect(Collectors.toSet());
    }

    @Test
    void whoMayDoWhatOnAGrant() {
        Map<Act, Set<String>> table = new EnumMap<>(Act.class);
        table.put(Act.APPROVE, Set.of(BOB, CAROL));
        table.put(Act.DENY, Set.of(BOB, CAROL));
        table.put(Act.DECIDE_EXTENSION, Set.of(BOB, CAROL));
        table.put(Act.CANCEL, Set.of(ALICE));
        table.put(Act.BREAK_GLASS, Set.of(ALICE));
        table.put(Act.RECEIVE, Set.of(ALICE));
        table.put(Act.EXTEND, Set.of(ALICE));
        table.put(Act.REVEAL, Set.of(ALICE));
        table.put(Act.REVOKE, Set.of(ALICE, BOB, CAROL, SEC));
        table.put(Act.RESOLVE, Set.of(SEC));
        table.put(Act.WRITE_REVIEW, Set.of(ALICE));
        table.put(Act.SIGN_OFF, Set.of(REV));
        assertEquals(Set.of(Act.values()), table.keySet(), "every act has a row");
        Grant g = grant("orders-db");
        for (Act act : Act.values()) {
            assertEquals(table.get(act), allowed(act, g), act.name());
        }
    }

    @Test
    void refusalsSayWhyInTheWordsOfTheUseCases() {
        Grant g = grant("orders-db");
        Map<String, String> says = new LinkedHashMap<>();
        says.put(refusal(Act.APPROVE, g, ALICE), "You cannot approve your own request BG-7. A peer has to.");
        says.put(refusal(Act.DENY, g, ALICE), "To withdraw your own request, cancel it instead.");
        says.put(refusal(Act.DECIDE_EXTENSION, g, ALICE), "You cannot approve your own extension.");
        says.put(refusal(Act.APPROVE, g, MALLORY), "You are not an approver for orders-db, so you cannot approve BG-7.");
        says.put(refusal(Act.CANCEL, g, BOB), "Only @U0ALICE can cancel BG-7.");
        says.put(refusal(Act.EXTEND, g, BOB), "Only @U0ALICE can extend BG-7.");
        says.put(refusal(Act.REVEAL, g, BOB), "Only the requester can reveal these credentials.");
        says.put(refusal(Act.REVOKE, g, MALLORY), "There is no grant BG-7 that you can see.");
        says.put(refusal(Act.REVOKE, g, REV), "Only the requester, an approver or a revoker of orders-db can end BG-7 early.");
        says.put(refusal(Act.RESOLVE, g, ALICE), "Only a revoker of orders-db can mark a failed revocation resolved.");
        says.put(refusal(Act.WRITE_REVIEW, g, BOB), "Only @U0ALICE writes the review of BG-7. Reviewers sign it off once it is written.");
        says.put(refusal(Act.SIGN_OFF, g, ALICE), "You cannot sign off the review of your own access; a reviewer of orders-db does.");
        says.put(refusal(Act.SIGN_OFF, g, BOB), "You are not a reviewer of orders-db, so you cannot sign off BG-7.");
        says.forEach((got, expected) -> assertEquals(expected, got));
    }

    private String refusal(Act act, Grant g, String user) {
        return ShippedWords.of(assertInstanceOf(Permission.Refused.class, permissions.may(act, g, user),
                act + " by " + user).reply());
    }

    @Test
    void actingReadsTheMembershipsAsTheyAreNowShowingMayUseTheCache() {
        people.now.get(ALICE).remove("S0ONCALL");
        people.now.get(CAROL).remove("S0SRE");
        Grant g = grant("orders-db");
        assertEquals("You are no longer allowed to request access to orders-db, so you cannot break the glass on BG-7."
                + " Ask the owners of the policy to add you back to its requesters.", refusal(Act.BREAK_GLASS, g, ALICE));
        assertEquals(Set.of(), allowed(Act.RECEIVE, g));
        assertEquals(Set.of(BOB), allowed(Act.APPROVE, g));
        assertEquals(Set.of(ALICE, BOB, SEC), allowed(Act.REVOKE, g), "Carol no longer approves; Bob approved it");
        assertInstanceOf(Permission.Allowed.class, permissions.mayRequest(policy.target("orders-db").orElseThrow(), ALICE),
                "asking reads the short cache, as the form that offers the target does");
        assertTrue(permissions.approves(g, CAROL), "showing reads the short cache");
        assertTrue(permissions.maySee(g, CAROL));
    }

    @Test
    void aTargetThatLeftThePolicyIsSeenByItsRequesterAloneAndRefusesRoles() {
        Grant g = grant("payments");
        assertEquals(Set.of(ALICE), EVERYONE.stream().filter(u -> permissions.maySee(g, u)).collect(Collectors.toSet()));
        assertEquals("payments is no longer in the policy, so you cannot approve BG-7.", refusal(Act.APPROVE, g, CAROL));
        assertEquals("payments is no longer in the policy, so you cannot extend BG-7.", refusal(Act.EXTEND, g, ALICE));
        assertEquals(Set.of(ALICE), allowed(Act.REVOKE, g), "Bob approved it but can no longer see it");
        assertEquals(Set.of(), allowed(Act.SIGN_OFF, g));
        assertEquals(Set.of(), allowed(Act.RESOLVE, g));
    }

    @Test
    void whatIsShown() {
        Grant orders = grant("orders-db");
        Grant billing = Grant.pending(new GrantId(8), new NewGrant(BOB, "billing", Optional.empty(),
                Duration.ofMinutes(30), "invoice run stuck", Optional.empty(), 1, T0));
        assertEquals(Set.of(ALICE, BOB, CAROL, SEC, REV),
                EVERYONE.stream().filter(u -> permissions.maySee(orders, u)).collect(Collectors.toSet()));
        assertEquals(List.of("orders-db"), permissions.requestableTargets(ALICE).stream().map(TargetPolicy::name).toList());
        assertEquals(List.of("billing"), permissions.requestableTargets(BOB).stream().map(TargetPolicy::name).toList());
        assertEquals(List.of(), permissions.requestableTargets(MALLORY));
        assertTrue(permissions.approves(orders, BOB));
        assertFalse(permissions.approves(orders, SEC));
        assertEquals(Set.of(REV), EVERYONE.stream().filter(u -> permissions.signsOff(orders, u)).collect(Collectors.toSet()));
        assertEquals(Set.of(CAROL), EVERYONE.stream().filter(u -> permissions.signsOff(billing, u))
                .collect(Collectors.toSet()), "no reviewers: its approvers sign off, never its requester");
        assertEquals("an approver of billing", dev.breakglass.grant.ShippedWords.of(Permissions.signersText(policy, billing)));
    }

    @Test
    void onlyStepUpAdminsResetNow() {
        assertInstanceOf(Permission.Allowed.class, permissions.mayResetStepUp(SEC));
        assertEquals("Only the policy's step-up admins (step-up.admins) can reset someone's second factor.",
                ShippedWords.of(assertInstanceOf(Permission.Refused.class, permissions.mayResetStepUp(BOB)).reply()));
    }
}

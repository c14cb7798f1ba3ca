package dev.breakglass.bot.stepup;

import dev.breakglass.bot.config.EncryptionKey;
import dev.breakglass.bot.persistence.CredentialCipher;
import dev.breakglass.testing.ManualClock;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.StepUpPolicy;
import dev.breakglass.policy.StepUpRule;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.PeopleDirectory;
import dev.breakglass.port.StepUp;
import dev.breakglass.stepup.StepUpEvent;
import dev.breakglass.stepup.StepUpService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step-up with the built-in TOTP factor on a real database and a fixed clock: enrolment, a valid code, wrong,
 * expired and replayed codes, lockout after 5 failures and its release after 15 minutes, and a table that holds
 * no secret. Codes are made by {@link Rfc6238}, written from the RFC, not by the bot's library.
 */
abstract class StepUpContract {
    static final String ALICE = "U0ALICE";
    static final String ADMIN = "U0SECADMIN";
    static final Instant START = Instant.parse("2026-12-02T10:00:10Z");

    private TestDatabase db;
    final ManualClock clock = new ManualClock(START);
    final List<StepUpEvent> events = new ArrayList<>();
    StepUpService stepUps;
    String secret;

    protected abstract TestDatabase openDatabase();

    @BeforeEach
    void setUp() {
        db = openDatabase();
        TargetPolicy target = TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                List.of(Principal.parse("U0BOB"))).stepUp(StepUpRule.BOTH).build();
        Policy policy = new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), Map.of("orders-db", target),
                null, null, 1, null, null, 10, new StepUpPolicy(false, List.of(Principal.parse(ADMIN)), null, null));
        PeopleDirectory people = new PeopleDirectory() {
            public Set<String> groupsOf(String userId, Set<String> groupIds) {
                return Set.of();
            }

            public Set<String> currentGroupsOf(String userId, Set<String> groupIds) {
                return Set.of();
            }

            public Optional<String> email(String userId) {
                return Optional.empty();
            }
        };
        stepUps = new StepUpService(policy, new TotpStepUp(db.dataSource(), new CredentialCipher(EncryptionKey.random()),
                clock), new JdbcStepUpAttempts(db.dataSource()), events::add, people, clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Enrols ALICE: the enrolment's URI, confirmed with the current code. */
    void enrol() {
        var started = assertInstanceOf(StepUpService.Enrolling.Started.class, stepUps.enrol(ALICE));
        secret = Rfc6238.secretOf(started.enrolment().otpauthUri().orElseThrow());
        assertFalse(stepUps.enrolled(ALICE), "not enrolled before the first code");
        assertInstanceOf(StepUpService.Verdict.Passed.class, stepUps.confirm(ALICE, Rfc6238.code(secret, clock.instant())));
        assertTrue(stepUps.enrolled(ALICE));
        clock.advance(Duration.ofSeconds(30)); // the confirming code is used up; the next step has a new one
    }

    StepUpService.Verdict verify(String code) {
        return stepUps.verify(ALICE, code, StepUpPolicy.Action.APPROVE, Optional.of(new GrantId(7)));
    }

    static String refusal(StepUpService.Verdict v) {
        return assertInstanceOf(StepUpService.Verdict.Refused.class, v).reply().plain();
    }

    @Test
    void aValidCodePassesAndGivesAProofForThatPersonOnly() {
        enrol();
        var passed = assertInstanceOf(StepUpService.Verdict.Passed.class, verify(Rfc6238.code(secret, clock.instant())));
        assertTrue(passed.proof().vouchesFor(ALICE, clock.instant()));
        assertFalse(passed.proof().vouchesFor("U0BOB", clock.instant()));
        assertFalse(passed.proof().vouchesFor(ALICE, clock.instant().plus(Duration.ofMinutes(3))), "a proof is short-lived");
        assertTrue(events.stream().anyMatch(e -> e instanceof StepUpEvent.Enrolled));
        assertTrue(events.stream().anyMatch(e -> e instanceof StepUpEvent.Verified v && v.grant().equals(
                Optional.of(new GrantId(7)))));
    }

    @Test
    void aCodeOneStepAheadOrBehindStillPassesForClockDrift() {
        enrol();
        String ahead = Rfc6238.code(secret, clock.instant().plusSeconds(30));
        assertInstanceOf(StepUpService.Verdict.Passed.class, verify(ahead), "the phone's clock runs fast");
        clock.advance(Duration.ofSeconds(90)); // two steps past the one used ahead, so "behind" was never used
        String behind = Rfc6238.code(secret, clock.instant().minusSeconds(30));
        assertInstanceOf(StepUpService.Verdict.Passed.class, verify(behind), "the phone's clock runs slow");
    }

    @Test
    void aWrongCodeFailsWithAClearMessage() {
        enrol();
        String right = Rfc6238.code(secret, clock.instant());
        String wrong = right.equals("000000") ? "111111" : "000000";
        String why = refusal(verify(wrong));
        assertTrue(why.contains("not right") && why.contains("4 tries left"), why);
        assertFalse(why.contains(right) || why.contains(wrong), "no code in the message: " + why);
        assertTrue(events.stream().anyMatch(e -> e instanceof StepUpEvent.Failed f && f.why() == StepUp.Failure.WRONG));
    }

    @Test
    void anExpiredCodeFails() {
        enrol();
        String old = Rfc6238.code(secret, clock.instant().minus(Duration.ofMinutes(2)));
        String why = refusal(verify(old));
        assertTrue(why.contains("expired"), why);
    }

    @Test
    void aReplayedCodeFailsOnAnyReplica() {
        enrol();
        String code = Rfc6238.code(secret, clock.instant());
        assertInstanceOf(StepUpService.Verdict.Passed.class, verify(code));
        clock.advance(Duration.ofSeconds(5));
        String why = refusal(verify(code));
        assertTrue(why.contains("already used"), why);
    }

    @Test
    void fiveFailuresLockForFifteenMinutesThenTheLockIsReleased() {
        enrol();
        for (int i = 1; i <= 4; i++) {
            assertTrue(refusal(verify("000000".equals(Rfc6238.code(secret, clock.instant())) ? "111111" : "000000"))
                    .contains((5 - i) + (i == 4 ? " try" : " tries") + " left"));
            clock.advance(Duration.ofSeconds(31));
        }
        String locked = refusal(verify("999999".equals(Rfc6238.code(secret, clock.instant())) ? "888888" : "999999"));
        assertTrue(locked.contains("locked until"), locked);
        assertTrue(events.stream().anyMatch(e -> e instanceof StepUpEvent.LockedOut l
                && l.until().equals(clock.instant().plus(Duration.ofMinutes(15)))));

        clock.advance(Duration.ofMinutes(14));
        String stillLocked = refusal(verify(Rfc6238.code(secret, clock.instant())));
        assertTrue(stillLocked.contains("locked until"), "even the right code waits: " + stillLocked);

        clock.advance(Duration.ofMinutes(1).plusSeconds(31));
        assertInstanceOf(StepUpService.Verdict.Passed.class, verify(Rfc6238.code(secret, clock.instant())),
                "released after 15 minutes");
    }

    @Test
    void failuresOlderThanTenMinutesDoNotCount() {
        enrol();
        for (int i = 0; i < 4; i++) {
            refusal(verify("000000".equals(Rfc6238.code(secret, clock.instant())) ? "111111" : "000000"));
        }
        clock.advance(Duration.ofMinutes(11));
        String why = refusal(verify("000000".equals(Rfc6238.code(secret, clock.instant())) ? "111111" : "000000"));
        assertTrue(why.contains("4 tries left"), why);
    }

    @Test
    void someoneNotEnrolledIsToldHowToEnrolAndNothingCounts() {
        String why = refusal(verify("123456"));
        assertTrue(why.contains("/breakglass mfa enroll"), why);
        assertTrue(events.isEmpty(), "no failure counted: " + events);
    }

    @Test
    void theTableHoldsNoSecret() throws Exception {
        enrol();
        byte[] raw = Rfc6238.base32decode(secret);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM step_up_enrolments")) {
            assertTrue(rs.next());
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Object value = rs.getObject(i);
                if (value == null) {
                    continue;
                }
                String text = value instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : value.toString();
                assertFalse(text.contains(secret), "column " + rs.getMetaData().getColumnName(i) + " holds the secret");
                assertFalse(text.contains(new String(raw, StandardCharsets.ISO_8859_1)), "raw secret bytes stored");
            }
        }
    }

    @Test
    void onlyAnAdminResetsAndThePersonMustEnrolAgain() {
        enrol();
        assertTrue(stepUps.reset("U0BOB", ALICE).plain().contains("Only the policy's step-up admins"));
        assertTrue(stepUps.enrolled(ALICE));
        assertTrue(stepUps.reset(ADMIN, ALICE).plain().contains("You reset"));
        assertFalse(stepUps.enrolled(ALICE));
        assertTrue(events.stream().anyMatch(e -> e instanceof StepUpEvent.Reset r && r.by().equals(ADMIN)));
        assertTrue(refusal(verify(Rfc6238.code(secret, clock.instant()))).contains("mfa enroll"));
    }

    @Test
    void theIndependentCodeMakerMatchesTheRfcVector() {
        // RFC 6238 appendix B, SHA1, T = 59 s: 94287082 (8 digits)
        assertEquals("94287082", Rfc6238.code("12345678901234567890".getBytes(StandardCharsets.US_ASCII), 1, 8));
    }
}

package dev.breakglass.grant;

import dev.breakglass.testing.ManualClock;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Channels;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.Principal;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.CredentialDisplay;
import dev.breakglass.port.Credentials;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reveal counts only what the requester could see, and leaves a trace without the credentials. */
class RevealServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String ALICE = "U0ALICE";
    private static final String BOB = "U0BOB";

    private final ManualClock clock = new ManualClock(T0);
    private final Fakes.MemoryGrantStore store = new Fakes.MemoryGrantStore();
    private final Fakes.RecordingTarget target = new Fakes.RecordingTarget();
    private final Fakes.Events events = store.events;
    private final Fakes.Vault vault = new Fakes.Vault();
    private final Policy policy = policy();
    private final Fakes.UseCases grants = Fakes.useCases(store, policy, new Fakes.People(), target, vault,
            new Fakes.Timers(), clock);
    private final RevealService reveals = new RevealService(store, policy, vault, clock,
            new dev.breakglass.policy.Permissions(policy, new Fakes.People()));

    /** A display that answers what it is told and remembers what it was asked to show. */
    private static final class Display implements CredentialDisplay {
        final List<Credentials> shown = new ArrayList<>();
        Shown answer = new Shown.Accepted();

        @Override
        public Shown show(Grant grant, Credentials credentials, int remaining) {
            shown.add(credentials);
            return answer;
        }
    }

    private static Policy policy() {
        Map<String, TargetPolicy> targets = new LinkedHashMap<>();
        targets.put("orders-db", TargetPolicy.builder("orders-db", "webhook", Duration.ofHours(1),
                List.of(new Principal.UserId(BOB))).requesters(new Principal.UserId(ALICE)).build());
        return new Policy(new Channels("C0APPROVALS", List.of("C0SECURITY")), targets);
    }

    private Grant active() {
        Grant g = ((Outcome.Done) grants.requests().request(ALICE, new RequestDraft("orders-db", Optional.empty(),
                Optional.of(Duration.ofMinutes(30)), "orders DB is down, need to restart the replica",
                Optional.empty()))).grant();
        grants.requests().approve(g.id(), BOB);
        return ((Outcome.Done) grants.access().provision(g.id())).grant();
    }

    private List<GrantEvent.CredentialsRevealed> revealedEvents() {
        return events.published.stream().filter(e -> e instanceof GrantEvent.CredentialsRevealed)
                .map(e -> (GrantEvent.CredentialsRevealed) e).toList();
    }

    @Test
    void aShownRevealIsCountedAndPublishedWithoutTheCredentials() {
        Grant g = active();
        Display display = new Display();
        clock.advance(Duration.ofMinutes(1));
        assertInstanceOf(Outcome.Done.class, reveals.reveal(g.id(), ALICE, display));
        assertEquals(List.of(target.credentials), display.shown);
        assertEquals(List.of(new GrantEvent.CredentialsRevealed(store.find(g.id()).orElseThrow(), ALICE,
                T0.plusSeconds(60), 0)), revealedEvents());
        assertFalse(revealedEvents().get(0).toString().contains("bg-user"), "never the values");

        Outcome again = reveals.reveal(g.id(), ALICE, display);
        assertInstanceOf(Outcome.Unchanged.class, again);
        assertEquals("The credentials of " + g.id() + " were already revealed 1 time(s), the most the policy allows.",
                ShippedWords.of(again.reply()));
        assertEquals(1, display.shown.size(), "nothing shown the second time");
    }

    @Test
    void aRevealTheDisplayCouldNotShowIsGivenBack() {
        Grant g = active();
        Display display = new Display();
        display.answer = new CredentialDisplay.Shown.NotShown("Slack did not open the window (ratelimited).");
        Outcome refused = reveals.reveal(g.id(), ALICE, display);
        assertEquals("Slack did not open the window (ratelimited). Your reveal was not used.", ShippedWords.of(refused.reply()));
        assertEquals(List.of(), revealedEvents());

        display.answer = new CredentialDisplay.Shown.Accepted();
        assertInstanceOf(Outcome.Done.class, reveals.reveal(g.id(), ALICE, display), "the reveal is still there");
        assertEquals(1, revealedEvents().size());
    }

    @Test
    void aDisplayThatThrowsGivesTheRevealBackToo() {
        Grant g = active();
        CredentialDisplay broken = (grant, credentials, remaining) -> {
            throw new IllegalStateException("chat client broke");
        };
        assertThrows(IllegalStateException.class, () -> reveals.reveal(g.id(), ALICE, broken));
        assertInstanceOf(Outcome.Done.class, reveals.reveal(g.id(), ALICE, new Display()));
    }

    @Test
    void onlyTheRequesterOfActiveAccessTakesAReveal() {
        Grant g = active();
        Display display = new Display();
        assertEquals("Only the requester can reveal these credentials.",
                ShippedWords.of(reveals.reveal(g.id(), BOB, display).reply()));
        assertEquals("Only the requester can reveal these credentials.",
                ShippedWords.of(reveals.reveal(new GrantId(999), ALICE, display).reply()));
        grants.access().revoke(g.id(), ALICE, Optional.empty());
        assertEquals(g.id() + " has ended (revoked); its credentials are gone.",
                ShippedWords.of(reveals.reveal(g.id(), ALICE, display).reply()));
        assertTrue(display.shown.isEmpty());
        assertEquals(List.of(), revealedEvents());
    }

    @Test
    void aTargetThatIssuedNoCredentialsHasNothingToReveal() {
        target.credentials = null;
        Grant g = active();
        assertEquals(g.id() + " has no credentials to reveal.", ShippedWords.of(reveals.reveal(g.id(), ALICE,
                new Display()).reply()));
    }
}

package dev.breakglass.bot.slack;

import dev.breakglass.bot.sandbox.state.Message;
import dev.breakglass.bot.sandbox.state.SlackView;
import dev.breakglass.bot.sandbox.transport.ViewInput;
import dev.breakglass.bot.testing.BotExtension;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Workflow;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.breakglass.grant.ReviewQuestion;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.bot.testing.Workflow.ALICE;
import static dev.breakglass.bot.testing.Workflow.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Emergency kinds as Slack drives them: under a policy with {@code emergencies:}, the one-line request names one
 * with {@code kind:<id>} and its incident with {@code incident:<reference>}, the form asks "What is the emergency?",
 * and a request that names no kind the requester may invoke, or a reference the kind's pattern refuses, is refused
 * with what is allowed and posts nothing. The card, the notify lines (also in the kind's own channel), App Home and
 * the post-mortem show the kind and the linked incident, and the review asks whether the kind was right.
 */
class EmergencyKindFlowTest {
    private static final String WHY = "orders DB is down, need to restart the replica";
    /** Alice and Bob are on call; only Bob may name a breach, which is capped at 10 minutes. */
    static final String KINDS = """
            emergencies:
              outage:
                title: Production outage
                description: A customer-facing service is down.
                reference: INC-\\d+
                link: https://incidents.example/{reference}
                notify: [C0MGMT]
              breach:
                title: Active breach
                requesters: [U0BOB]
                max-duration: 10m
            """;

    @RegisterExtension
    static final BotExtension RUNNING = BotExtension.with((bot, receiver) -> bot.policy(Workflow.policy(receiver)
            .replace("notify: [C0SECURITY, C0MGMT]", "notify: [C0SECURITY]") + KINDS));

    private RunningBot bot;
    private Workflow flow;

    private String say(String user, String text) {
        return bot.deliver().slashCommand(user, "C0GENERAL", text).json().path("text").asText();
    }

    private long cards() {
        return bot.slack().messages(Workflow.APPROVALS).size();
    }

    @Test
    void aRequestNamingNoKindIsRefusedWithTheKindsTheRequesterMayNameAndPostsNothing() {
        long before = cards();
        String answer = say(ALICE, "request orders-db 30m " + WHY);
        assertTrue(answer.contains("Name the emergency this is for, with kind:&lt;id&gt; after the duration. "
                + "Emergencies you may name on orders-db: `kind:outage` Production outage (with "
                + "incident:&lt;reference&gt; matching `INC-\\d+`)."), answer);
        assertFalse(answer.contains("breach"), "Alice may not name a breach: " + answer);

        String notHers = say(ALICE, "request orders-db 30m kind:breach " + WHY);
        assertTrue(notHers.contains("You may not name the emergency \"breach\" on orders-db."), notHers);
        assertTrue(notHers.contains("`kind:outage` Production outage"), notHers);

        String unknown = say(ALICE, "request orders-db 30m kind:flood incident:INC-1 " + WHY);
        assertTrue(unknown.contains("There is no emergency \"flood\"."), unknown);

        String badReference = say(ALICE, "request orders-db 30m kind:outage incident:7 " + WHY);
        assertTrue(badReference.contains("Requests under Production outage need an incident reference that matches "
                + "`INC-\\d+`; \"7\" does not."), badReference);

        String tooLong = say(BOB, "request orders-db 20m kind:breach " + WHY);
        assertTrue(tooLong.contains("20m is longer than the orders-db maximum of 10m under Active breach."), tooLong);

        assertEquals(before, cards(), "no request card for a refused request");
    }

    @Test
    void aOneLineRequestStoresItsKindAndIncident() {
        String answer = say(ALICE, "request orders-db 30m kind:outage incident:INC-7 " + WHY);
        assertTrue(answer.startsWith("Requested BG-") && answer.contains("for 30m (Production outage)."), answer);
        Grant g = flow.grant(Workflow.idIn(answer));
        assertEquals(Optional.of("outage"), g.kind());
        assertEquals(Optional.of("INC-7"), g.incident());

        Grant breach = flow.grant(flow.request(BOB, "orders-db 10m Kind:Breach " + WHY));
        assertEquals(Optional.of("breach"), breach.kind(), "the kind's id ignores case");
        assertEquals(Optional.empty(), breach.incident(), "a breach needs no reference");
    }

    @Test
    void theFormAsksForTheEmergencyAndShowsRefusalsBesideTheFieldAtFault() {
        bot.slack().modals(ALICE);
        say(ALICE, "");
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        String shown = form.view().toString();
        assertTrue(shown.contains("What is the emergency?") && shown.contains("\"value\":\"outage\""), shown);
        assertFalse(shown.contains("\"value\":\"breach\""), "only the kinds Alice may name: " + shown);

        bot.deliver().viewSubmission(ALICE, form.id(), filled().plainText("incident", "incident_input", "INC-5"));
        SlackView noKind = bot.slack().view(form.id()).orElseThrow();
        assertFalse(noKind.closed());
        assertTrue(noKind.errors().path("kind").asText().startsWith("Name the emergency this is for"),
                noKind.errors().toString());

        bot.deliver().viewSubmission(ALICE, form.id(), filled()
                .staticSelect("kind", "kind_input", "outage", "Production outage")
                .plainText("incident", "incident_input", "see the channel"));
        SlackView badReference = bot.slack().view(form.id()).orElseThrow();
        assertTrue(badReference.errors().path("incident").asText().contains("matches `INC-\\d+`"),
                badReference.errors().toString());

        long before = cards();
        bot.deliver().viewSubmission(ALICE, form.id(), filled()
                .staticSelect("kind", "kind_input", "outage", "Production outage")
                .plainText("incident", "incident_input", "INC-9"));
        RunningBot.await(Workflow.WAIT, () -> cards() > before, () -> "no card for the form's request");
        Message card = bot.slack().messages(Workflow.APPROVALS).get((int) before);
        GrantId id = Workflow.idIn(card.blocks().path(0).path("text").path("text").asText());
        Grant g = flow.grant(id);
        assertEquals(Optional.of("outage"), g.kind());
        assertEquals(Optional.of("INC-9"), g.incident());
        assertEquals(Duration.ofMinutes(20), g.duration());
    }

    @Test
    void helpListsTheKindsThePersonMayName() {
        String alice = say(ALICE, "help");
        assertTrue(alice.contains("• `outage` — Production outage, with `incident:&lt;reference&gt;` matching "
                + "`INC-\\d+`. A customer-facing service is down."), alice);
        assertFalse(alice.contains("`breach`"), alice);
        assertTrue(say(BOB, "help").contains("• `breach` — Active breach"));
    }

    @Test
    void theCardTheNotifyLinesAndTheKindsOwnChannelShowTheKindAndTheLinkedIncident() {
        bot.deliver().appHomeOpened(BOB);
        GrantId id = flow.request(ALICE, "orders-db 30m kind:outage incident:INC-7 " + WHY);
        String linked = "*<https://incidents.example/INC-7|INC-7>*";
        String card = flow.card(id).blocks().toString();
        assertTrue(card.contains("for *30m* · emergency: *Production outage* · incident " + linked), card);
        String audit = say(ALICE, "audit " + id);
        assertTrue(audit.contains("kind") && audit.contains("outage"), "the audit record keeps the kind: " + audit);

        RunningBot.await(Workflow.WAIT, () -> lines("C0SECURITY", id).size() == 1 && lines("C0MGMT", id).size() == 1,
                () -> "security " + lines("C0SECURITY", id) + ", mgmt " + lines("C0MGMT", id));
        for (String channel : new String[] {"C0SECURITY", "C0MGMT"}) {
            String line = lines(channel, id).get(0);
            assertTrue(line.contains("· Production outage · incident " + linked), channel + ": " + line);
        }
        RunningBot.await(Workflow.WAIT, () -> bot.slack().homeView(BOB).map(h -> h.view().toString()
                .contains("Production outage")).orElse(false), () -> "Bob's Home: " + bot.slack().homeView(BOB));
        assertTrue(bot.slack().homeView(BOB).orElseThrow().view().toString().contains(linked));

        GrantId breach = flow.request(BOB, "orders-db 5m kind:breach " + WHY);
        RunningBot.await(Workflow.WAIT, () -> lines("C0SECURITY", breach).size() == 1, () -> "no line for " + breach);
        assertTrue(lines("C0SECURITY", breach).get(0).contains("· Active breach"), lines("C0SECURITY", breach).get(0));
        assertEquals(0, lines("C0MGMT", breach).size(), "only the outage kind adds #mgmt");
        assertEquals(1, lines("C0MGMT", id).size(), "told once in the kind's channel");
    }

    @Test
    void thePostMortemShowsTheKindAndTheReviewAsksWhetherItWasRight() {
        GrantId id = flow.activeGrant(ALICE, BOB, "orders-db 30m kind:outage incident:INC-8 " + WHY);
        say(ALICE, "revoke " + id + " fixed");
        flow.awaitState(id, dev.breakglass.grant.GrantState.REVOKED);
        String question = dev.breakglass.grant.ShippedWords.of(ReviewQuestion.KIND.text());
        RunningBot.await(Workflow.WAIT, () -> flow.threadText(id).contains("Post-mortem of " + id)
                && flow.threadText(id).contains(question), () -> "thread: " + flow.threadText(id));
        String thread = flow.threadText(id);
        assertTrue(thread.contains("emergency: *Production outage* · incident *<https://incidents.example/INC-8|INC-8>*"),
                thread);

        say(ALICE, "review " + id);
        SlackView form = bot.slack().openModal(ALICE).orElseThrow();
        assertTrue(form.view().toString().contains(question), form.view().toString());
        bot.deliver().viewSubmission(ALICE, form.id(), answers(ReviewQuestion.asked(false)));
        SlackView refused = bot.slack().view(form.id()).orElseThrow();
        assertFalse(refused.closed());
        assertTrue(refused.errors().toString().contains(question), "the kind question must be answered: "
                + refused.errors());
        assertEquals(Optional.empty(), flow.grant(id).postMortem().review());

        bot.deliver().viewSubmission(ALICE, form.id(), answers(ReviewQuestion.asked(true)));
        RunningBot.await(Workflow.WAIT, () -> flow.grant(id).postMortem().review().isPresent(), () -> "not stored");
        assertEquals("answer kind", flow.grant(id).postMortem().review().orElseThrow().answers()
                .get(ReviewQuestion.KIND));
    }

    private List<String> lines(String channel, GrantId id) {
        return bot.slack().messages(channel).stream().map(Message::text).flatMap(String::lines)
                .filter(t -> t.contains("*" + id + "*")).toList();
    }

    private static ViewInput answers(List<ReviewQuestion> questions) {
        ViewInput input = ViewInput.create();
        questions.forEach(q -> input.plainText(q.key(), q.key() + "_input", "answer " + q.key()));
        return input;
    }

    private static ViewInput filled() {
        return ViewInput.create()
                .staticSelect("target", "target_input", "orders-db:read-only", "orders-db — read-only")
                .plainText("duration", "duration_input", "20m")
                .plainText("justification", "justification_input", WHY);
    }
}

package dev.breakglass.bot.slack.outbound;

import dev.breakglass.bot.audit.Checkpoint;
import dev.breakglass.bot.slack.render.GrantCard;
import dev.breakglass.bot.slack.render.HomeView;
import dev.breakglass.bot.slack.render.PostMortemView;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.bot.testing.BlocksText;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.bot.testing.TestDatabase;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.policy.NotifyTarget;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.ReviewPolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every word the outbound audiences post, against golden files (see {@link Golden} for the update switch): the card
 * in each state, the requester's message for each event, the notify line or alert for each event, the audit
 * checkpoint and the post-mortem's sign-off note. User text in the samples tries to ping, mention and link
 * ({@link SampleGrants#HOSTILE}), so the files also show it stays text.
 */
class OutboundWordsGoldenTest {
    private static final String LINK = "https://example.slack.com/archives/C0APPROVALS/p1700000000000100";

    private final Templates templates = new Templates(Optional.empty(), List.of());
    private final GrantCard card = new GrantCard(templates, SampleGrants.KINDS);
    private final Policy policy = TestDatabase.policyNotifying(List.of());

    @Test
    void theCardInEachState() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        SampleGrants.everyState().forEach((name, g) -> cases.add(name, card.cardText(g) + "\n"
                + BlocksText.of(card.card(g))));
        cases.add("pending, for an emergency kind with an incident link", card.cardText(SampleGrants.pendingOutage())
                + "\n" + BlocksText.of(card.card(SampleGrants.pendingOutage())));
        cases.assertMatches("card.txt");
    }

    @Test
    void theRequesterMessageOfEachEvent() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        RequesterMessages messages = new RequesterMessages(null, null, card, templates, policy, null);
        Policy optionalReview = new Policy(policy.channels(), policy.targets(), policy.justification(),
                policy.pendingTimeout(), policy.revealLimit(), policy.warnBefore(),
                new ReviewPolicy(Duration.ofHours(24), 3, ReviewPolicy.Required.EMERGENCY));
        RequesterMessages optional = new RequesterMessages(null, null, card, templates, optionalReview, null);
        int n = 0;
        for (GrantEvent e : SampleGrants.everyEvent()) {
            cases.add(++n + " " + e.getClass().getSimpleName(), text(messages.message(e, e.grant()), e.grant()));
        }
        GrantEvent opened = new GrantEvent.PostMortemOpened(SampleGrants.reviewOpened());
        cases.add("PostMortemOpened, review optional", text(optional.message(opened, opened.grant()), opened.grant()));
        GrantEvent remindedAfterWriting = new GrantEvent.ReviewReminded(SampleGrants.reviewWritten(), 2, false);
        cases.add("ReviewReminded, review written", text(messages.message(remindedAfterWriting,
                remindedAfterWriting.grant()), remindedAfterWriting.grant()));
        cases.assertMatches("requester-messages.txt");
    }

    private String text(RequesterMessages.Message m, Grant g) {
        return m == null ? "(nothing)" : card.cardText(g) + "\n" + BlocksText.of(card.requesterUpdate(g, m.headline(),
                m.buttons()));
    }

    @Test
    void theNotifyMessageOfEachEvent() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        NotifyChannels channels = new NotifyChannels(null, null, card, templates, null, SampleGrants.KINDS, null);
        int n = 0;
        for (GrantEvent e : SampleGrants.everyEvent()) {
            Optional<NotifyTarget.Event> kind = NotifyTarget.Event.of(e);
            String name = ++n + " " + e.getClass().getSimpleName();
            if (kind.isEmpty()) {
                cases.add(name, "(not routed to the notify channels)");
                continue;
            }
            NotifyChannels.Said said = channels.said(e, kind.get(), LINK);
            cases.add(name, said.text() + (said.blocks() == null ? "" : "\n" + BlocksText.of(said.blocks())));
        }
        GrantEvent outage = new GrantEvent.Requested(SampleGrants.pendingOutage(),
                dev.breakglass.event.Actor.person(SampleGrants.ALICE));
        cases.add("Requested, for an emergency kind with an incident link",
                channels.said(outage, NotifyTarget.Event.of(outage).orElseThrow(), LINK).text());
        GrantEvent approved = new GrantEvent.Approved(SampleGrants.approved(), SampleGrants.CAROL);
        cases.add("Approved, no card link", channels.said(approved, NotifyTarget.Event.of(approved).orElseThrow(), "")
                .text());
        GrantEvent broken = new GrantEvent.GlassBroken(SampleGrants.emergency(), dev.breakglass.event.Actor.person(SampleGrants.ALICE));
        cases.add("GlassBroken, no card link", channels.said(broken, NotifyTarget.Event.of(broken).orElseThrow(), "")
                .text());
        cases.assertMatches("notify-messages.txt");
    }

    @Test
    void theButtonsOfTheHomeTabAndThePostMortem() throws IOException {
        HomeView home = new HomeView(templates, SampleGrants.KINDS);
        PostMortemView postMortem = new PostMortemView(templates, SampleGrants.KINDS);
        PostMortemView.Context context = new PostMortemView.Context(true, Duration.ofHours(24), dev.breakglass.grant.Reply.named("permission.signersOf", "target", "orders-db", "approvers", false));
        new Golden.Cases()
                .add("home", BlocksText.of(home.blocks(SampleGrants.BOB, new HomeView.Sections(
                        List.of(SampleGrants.pending()), List.of(SampleGrants.active()), List.of(SampleGrants.pending()),
                        List.of(SampleGrants.reviewOpened(), SampleGrants.reviewWritten())), SampleGrants.T0)))
                .add("post-mortem opening, to write", postMortem.openingText(SampleGrants.reviewOpened()) + "\n"
                        + BlocksText.of(postMortem.opening(SampleGrants.reviewOpened(), List.of(), context)))
                .add("post-mortem opening, to sign off", BlocksText.of(postMortem.opening(SampleGrants.reviewWritten(),
                        List.of(), context)))
                .assertMatches("buttons.txt");
    }

    @Test
    void theAuditCheckpointAndTheSignOffNote() throws IOException {
        SlackCheckpointWitness witness = new SlackCheckpointWitness(null, policy, templates);
        Checkpoint checkpoint = new Checkpoint(1234, "9f2c1e7a".repeat(8), "0b1d".repeat(16));
        assertEquals(1234, checkpoint.seq());
        new Golden.Cases()
                .add("audit checkpoint", witness.text(checkpoint))
                .add("review signed off", new PostMortemView(templates, SampleGrants.KINDS).signedOffNote(SampleGrants.reviewed(),
                        SampleGrants.SECURITY))
                .assertMatches("alerts.txt");
    }
}

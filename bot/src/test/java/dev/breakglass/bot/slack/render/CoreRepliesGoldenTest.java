package dev.breakglass.bot.slack.render;

import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.grant.Reply.person;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every named reply of the core (see {@link Reply#named}) as the bot renders it, against a golden file (see
 * {@link Golden} for the update switch): mrkdwn with user text escaped and people as mentions, and the plain text a
 * form shows. User text in the samples tries to ping and link ({@link SampleGrants#HOSTILE}).
 */
class CoreRepliesGoldenTest {
    private static final GrantId ID = new GrantId(7);
    private static final String HOSTILE = SampleGrants.HOSTILE;

    private final ReplyText words = new ReplyText(new Templates(Optional.empty(), ReplyText.TEMPLATES));

    private static List<Reply> everyReply() {
        return List.of(
                Reply.named("grant.notFound", "id", ID),
                Reply.named("grant.tooFast", "id", ID),
                Reply.named("review.noPostMortem", "id", ID),
                Reply.named("review.opened", "id", ID),
                Reply.named("review.noReminder", "id", ID),
                Reply.named("review.reminderNotDue", "id", ID, "at", SampleGrants.T0),
                Reply.named("review.reminded", "requester", person(SampleGrants.ALICE), "id", ID),
                Reply.named("review.invalidAnswer", "question", "Was the duration right?", "problem",
                        "The answer is empty " + HOSTILE),
                Reply.named("review.written", "id", ID, "signers", "a reviewer of orders-db"),
                Reply.named("review.onlyRequesterWrites", "requester", person(SampleGrants.ALICE), "id", ID),
                Reply.named("review.alreadyWritten", "id", ID),
                Reply.named("review.notYet", "id", ID, "state", "active", "holdsAccess", true),
                Reply.named("review.notYet", "id", ID, "state", "denied", "holdsAccess", false),
                Reply.named("review.alreadySignedOff", "id", ID, "by", person(SampleGrants.SECURITY)),
                Reply.named("review.nothingToSignOff", "id", ID, "state", "denied"),
                Reply.named("review.ownReview", "signers", "a reviewer of orders-db"),
                Reply.named("review.notReviewer", "target", "orders-db", "id", ID),
                Reply.named("review.notWrittenYet", "requester", person(SampleGrants.ALICE), "id", ID),
                Reply.named("review.signedOff", "id", ID),
                Reply.named("reveal.onlyRequester"),
                Reply.named("reveal.ended", "id", ID, "state", "revoke failed"),
                Reply.named("reveal.exhausted", "id", ID, "limit", 1),
                Reply.named("reveal.none", "id", ID),
                Reply.named("reveal.notShown", "why", "Slack did not open the window (" + HOSTILE + "), so nothing was shown."),
                Reply.named("reveal.revealed", "id", ID),
                Reply.named("stepUp.howToEnrol", "what", "Approving (BG-7)"),
                Reply.named("stepUp.noCode"),
                Reply.named("stepUp.alreadyEnrolledLostDevice", "type", "totp"),
                Reply.named("stepUp.alreadyEnrolled"),
                Reply.named("stepUp.enrolmentRestarted"),
                Reply.named("stepUp.locked", "until", "10:13 UTC", "max", 5),
                Reply.named("stepUp.failed", "wrong", true, "left", 4, "oneLeft", false, "minutes", 15),
                Reply.named("stepUp.failed", "expired", true, "left", 1, "oneLeft", true, "minutes", 15),
                Reply.named("stepUp.failed", "replayed", true, "left", 2, "oneLeft", false, "minutes", 15),
                Reply.named("stepUp.failed", "notEnrolled", true, "left", 2, "oneLeft", false, "minutes", 15),
                Reply.named("stepUp.status", "lockedNow", true, "until", "10:13 UTC", "max", 5, "enrolled", true,
                        "type", "totp", "targets", "orders-db (approver)", "emergencyAlways", true),
                Reply.named("stepUp.status", "lockedNow", false, "until", "", "max", 5, "enrolled", true,
                        "type", "totp", "targets", "orders-db (approver)", "emergencyAlways", false),
                Reply.named("stepUp.status", "lockedNow", false, "until", "", "max", 5, "enrolled", false,
                        "type", "totp", "targets", "none", "emergencyAlways", false),
                Reply.named("stepUp.resetNotAdmin"),
                Reply.named("stepUp.resetNothing", "user", person(SampleGrants.ALICE)),
                Reply.named("stepUp.reset", "user", person(SampleGrants.ALICE)));
    }

    @Test
    void eachNamedReply() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        int n = 0;
        for (Reply r : everyReply()) {
            cases.add(++n + " " + r.key(), words.mrkdwn(r) + "\n(form) " + words.plain(r));
        }
        cases.assertMatches("core-replies.txt");
    }

    @Test
    void aReplyOfPartsRendersAsBefore() {
        Reply r = Reply.of("Only ", person(SampleGrants.ALICE), " may: ", HOSTILE);
        assertEquals("Only <@U0ALICE> may: &lt;!channel&gt; &amp; &lt;@U0EVE&gt; see &lt;https://evil.example|runbook&gt;",
                words.mrkdwn(r));
        assertEquals("Only @U0ALICE may: " + HOSTILE, words.plain(r));
    }
}

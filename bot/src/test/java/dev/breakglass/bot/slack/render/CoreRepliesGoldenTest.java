package dev.breakglass.bot.slack.render;

import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.Reply;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.breakglass.grant.Reply.person;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                Reply.named("stepUp.reset", "user", person(SampleGrants.ALICE)),
                Reply.named("grant.changedMeanwhile", "id", ID),
                Reply.named("permission.ownRequest", "id", ID),
                Reply.named("permission.withdrawOwn"),
                Reply.named("permission.ownExtension"),
                Reply.named("permission.onlyRequesterReveals"),
                Reply.named("permission.notResolver", "target", HOSTILE),
                Reply.named("permission.onlyRequesterWrites", "requester", person(SampleGrants.ALICE), "id", ID),
                Reply.named("permission.ownReview", "signers", "a reviewer of orders-db"),
                Reply.named("permission.notReviewer", "target", "orders-db", "id", ID),
                Reply.named("permission.notRequester", "target", HOSTILE),
                Reply.named("permission.notStepUpAdmin"),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", true, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", true, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", true, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", true, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", true, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", true, "extend", false, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", true, "reveal", false),
                Reply.named("permission.onlyRequester", "requester", person(SampleGrants.ALICE), "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", true),
                Reply.named("permission.noLongerRequester", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", true, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.noLongerRequester", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", true, "extend", false, "reveal", false),
                Reply.named("permission.noLongerRequester", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", true, "reveal", false),
                Reply.named("permission.notApprover", "target", "orders-db", "id", ID, "approve", true, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notApprover", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", true, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notApprover", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", true, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notApprover", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", true),
                Reply.named("permission.notInPolicy", "target", "orders-db", "id", ID, "approve", true, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notInPolicy", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", true, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notInPolicy", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", true, "receive", false, "extend", false, "reveal", false),
                Reply.named("permission.notInPolicy", "target", "orders-db", "id", ID, "approve", false, "deny", false, "decideExtension", false, "cancel", false, "breakGlass", false, "receive", false, "extend", false, "reveal", true),
                Reply.named("permission.notVisible", "id", ID),
                Reply.named("permission.notEnder", "target", "orders-db", "id", ID),
                Reply.named("access.nothingToProvision", "id", ID, "state", "revoke failed"),
                Reply.named("access.active", "id", ID),
                Reply.named("access.rollbackNotRecorded", "id", ID, "why", "the store failed " + HOSTILE),
                Reply.named("access.noWarning", "id", ID),
                Reply.named("access.alreadyWarned", "id", ID),
                Reply.named("access.warned", "id", ID),
                Reply.named("access.beingProvisioned", "id", ID),
                Reply.named("access.nothingToRevoke", "id", ID, "state", "pending"),
                Reply.named("access.notFailing", "id", ID, "state", "active"),
                Reply.named("access.resolved", "id", ID),
                Reply.named("access.holdsNoAccess", "id", ID, "state", "expired"),
                Reply.named("access.beingRevoked", "id", ID),
                Reply.named("access.notDue", "id", ID),
                Reply.named("access.alreadyEnded", "id", ID),
                Reply.named("access.removed", "id", ID),
                Reply.named("access.revokeFailed", "id", ID, "error", HOSTILE),
                Reply.named("access.extensionRescheduled", "id", ID),
                Reply.named("access.provisioningRescheduled", "id", ID),
                Reply.named("access.provisioningFailed", "id", ID, "why", HOSTILE),
                Reply.named("extension.notActive", "id", ID, "state", "pending"),
                Reply.named("extension.alreadyWaiting", "id", ID),
                Reply.named("extension.fixedEnd", "target", "orders-db", "id", ID),
                Reply.named("extension.tooLong", "id", ID, "more", "2h", "total", "5h", "target", "orders-db", "max", "4h", "left", "1h"),
                Reply.named("extension.asked", "more", "30m", "id", ID, "approvals", 1, "oneApproval", true),
                Reply.named("extension.asked", "more", "30m", "id", ID, "approvals", 2, "oneApproval", false),
                Reply.named("extension.alreadyApproved"),
                Reply.named("extension.beingApplied", "id", ID),
                Reply.named("extension.approvalRecorded", "id", ID),
                Reply.named("extension.approvedMoving", "added", "30m", "id", ID, "target", "orders-db"),
                Reply.named("extension.approved", "added", "30m", "id", ID),
                Reply.named("extension.nothingToApply", "id", ID),
                Reply.named("extension.failed", "id", ID, "target", "orders-db", "why", HOSTILE),
                Reply.named("extension.extended", "id", ID, "added", "30m", "target", "orders-db"),
                Reply.named("extension.denied", "id", ID),
                Reply.named("extension.noneWaiting", "id", ID),
                Reply.named("request.requested", "id", ID, "target", "orders-db", "role", "read", "hasRole", true, "duration", "1h", "approvals", 1, "oneApproval", true),
                Reply.named("request.requested", "id", ID, "target", "orders-db", "role", "", "hasRole", false, "duration", "1h", "approvals", 2, "oneApproval", false),
                Reply.named("request.alreadyApproved", "id", ID, "missing", 1, "oneMissing", true),
                Reply.named("request.alreadyApproved", "id", ID, "missing", 2, "oneMissing", false),
                Reply.named("request.approved", "id", ID),
                Reply.named("request.approvalRecorded", "id", ID, "missing", 1, "oneMissing", true),
                Reply.named("request.approvalRecorded", "id", ID, "missing", 3, "oneMissing", false),
                Reply.named("request.denied", "id", ID),
                Reply.named("request.alreadyCancelled", "id", ID),
                Reply.named("request.cancelled", "id", ID),
                Reply.named("request.decidedInTime", "id", ID),
                Reply.named("request.notTimedOut", "id", ID),
                Reply.named("request.timedOut", "id", ID),
                Reply.named("request.noLongerWaits", "id", ID),
                Reply.named("request.emergencyOffered", "id", ID),
                Reply.named("request.alreadyBroken", "id", ID),
                Reply.named("request.noEmergency", "target", "orders-db"),
                Reply.named("request.emergencyNotYet", "after", "15m", "at", SampleGrants.T0),
                Reply.named("request.glassBroken", "id", ID, "duration", "1h"),
                Reply.named("request.alreadyDenied", "id", ID, "by", person(SampleGrants.BOB)),
                Reply.named("request.cancelledByRequester", "id", ID),
                Reply.named("request.timedOutUndecided", "id", ID),
                Reply.named("request.stillPending", "id", ID),
                Reply.named("request.takenAsEmergency", "id", ID, "requester", person(SampleGrants.ALICE)),
                Reply.named("request.noSuchTarget", "target", HOSTILE, "targets", "orders-db, payments", "noTargets", false),
                Reply.named("request.noSuchTarget", "target", "nope", "targets", "", "noTargets", true),
                Reply.named("request.noSuchRole", "target", "orders-db", "role", HOSTILE, "roles", "read, write", "noRoles", false),
                Reply.named("request.noSuchRole", "target", "orders-db", "role", "admin", "roles", "", "noRoles", true),
                Reply.named("request.tooLong", "duration", "5h", "target", "orders-db", "max", "4h"),
                Reply.named("request.tooShort", "duration", "1m", "target", "orders-db", "min", "5m"),
                Reply.named("request.tooMany", "recent", 5));
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
    void anOverrideMissingAReplyOrMisspellingAVariableStopsTheStart(@TempDir Path dir) throws IOException {
        String shipped = Files.readString(Path.of("../templates/reply-access.mustache"));
        Files.writeString(dir.resolve("reply-access.mustache"), shipped.replace("Due}}", "due}}"));
        Templates missing = new Templates(Optional.of(dir), ReplyText.TEMPLATES);
        assertTrue(assertThrows(Templates.TemplateException.class, () -> new ReplyText(missing)).getMessage()
                .contains("{{#notDue}}"));

        Files.writeString(dir.resolve("reply-access.mustache"), shipped.replace("{{state}}, not", "{{sate}}, not"));
        Templates misspelt = new Templates(Optional.of(dir), ReplyText.TEMPLATES);
        assertTrue(assertThrows(Templates.TemplateException.class, () -> new ReplyText(misspelt)).getMessage()
                .contains("reply-access.mustache"));

        Files.writeString(dir.resolve("reply-access.mustache"), shipped.replace("Access of {{id}} removed.",
                "Zugriff auf {{id}} entfernt."));
        assertEquals("Zugriff auf BG-7 entfernt.", new ReplyText(new Templates(Optional.of(dir), ReplyText.TEMPLATES))
                .mrkdwn(Reply.named("access.removed", "id", ID)));
    }

    @Test
    void aReplyOfPartsRendersAsBefore() {
        Reply r = Reply.of("Only ", person(SampleGrants.ALICE), " may: ", HOSTILE);
        assertEquals("Only <@U0ALICE> may: &lt;!channel&gt; &amp; &lt;@U0EVE&gt; see &lt;https://evil.example|runbook&gt;",
                words.mrkdwn(r));
        assertEquals("Only @U0ALICE may: " + HOSTILE, words.plain(r));
    }
}

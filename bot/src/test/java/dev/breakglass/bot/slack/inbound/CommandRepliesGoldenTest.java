package dev.breakglass.bot.slack.inbound;

import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.EmergencyKinds;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.command.ParseError;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Every answer to {@code /breakglass} the bot words itself, against golden files (see {@link Golden} for the update
 * switch): help, parse errors, list, status, audit, and the refusals and failures of the handlers.
 */
class CommandRepliesGoldenTest {
    private final CommandReplies replies = new CommandReplies(new Templates(Optional.empty(), CommandReplies.TEMPLATES), EmergencyKinds.NONE);
    private final CommandParser parser = new CommandParser(JustificationRules.DEFAULT);

    @Test
    void eachCommandReply() throws IOException {
        Golden.Cases cases = new Golden.Cases().add("help", replies.help(List.of()))
                .add("help, with the demo policy's emergency kinds",
                        replies.help(new dev.breakglass.bot.config.PolicyLoader().loadDemo().emergencies()));
        for (String typed : List.of("frobnicate", "request", "request orders-db", "request orders-db 5x because",
                "request orders-db 30m short", "status BG-x", "revoke", "extend BG-7 30m", "mfa reset", "mfa",
                "statsu BG-7", "request orders-db 30m kind: why it is needed")) {
            cases.add("parse error: " + typed, replies.parseError(assertInstanceOf(ParseError.class,
                    parser.parse(typed))));
        }
        List<Grant> open = List.of(SampleGrants.pending(), SampleGrants.approved(), SampleGrants.provisioning(),
                SampleGrants.active(), SampleGrants.revokeFailed(), SampleGrants.emergency());
        cases.add("list", replies.list(open));
        cases.add("list, none", replies.list(List.of()));
        List<Grant> many = new ArrayList<>(Collections.nCopies(CommandReplies.LIST_SHOWN + 3, SampleGrants.active()));
        cases.add("list, more than shown", replies.list(many));
        SampleGrants.everyState().forEach((name, g) -> cases.add("status, " + name, replies.status(g)));
        cases.add("audit", replies.auditTimeline("BG-7", List.of(
                new CommandReplies.AuditLine(SampleGrants.T0, "Requested", SampleGrants.ALICE,
                        "target=orders-db, justification=" + SampleGrants.HOSTILE),
                new CommandReplies.AuditLine(SampleGrants.T0.plusSeconds(72), "Approved", SampleGrants.BOB, ""),
                new CommandReplies.AuditLine(SampleGrants.T0.plusSeconds(75), "TargetCall", "system",
                        "action=grant, outcome=ok"))));
        cases.add("audit, none", replies.auditTimeline("BG-7", List.of()));
        cases.add("not visible", replies.notVisible(new GrantId(7)));
        cases.add("no target", replies.noTarget());
        cases.add("busy", replies.busy());
        cases.add("failed, about a grant", replies.failed(Optional.of(new GrantId(7))));
        cases.add("failed", replies.failed(Optional.empty()));
        cases.assertMatches("command-replies.txt");
    }

    @Test
    void theHandlersOwnAnswers() throws IOException {
        String hostile = SampleGrants.HOSTILE;
        new Golden.Cases()
                .add("no grant on the button", replies.answer("noGrantButton"))
                .add("form not opened", replies.answer("formNotOpened", "error", "ratelimited"))
                .add("form not opened, use the command", replies.answer("formNotOpenedUseCommand", "error", "ratelimited"))
                .add("form not opened, click again", replies.answer("formNotOpenedClickAgain", "error", hostile))
                .add("review form not opened", replies.answer("reviewFormNotOpened", "error", "ratelimited"))
                .add("review form not opened, no error", replies.answer("reviewFormNotOpened", "error", ""))
                .add("step-up form not opened", replies.answer("stepUpFormNotOpened", "error", "ratelimited"))
                .add("step-up form not opened, no error", replies.answer("stepUpFormNotOpened", "error", ""))
                .add("enrolment not opened", replies.answer("enrolmentNotOpened", "error", "ratelimited"))
                .add("enrolment not opened, no error", replies.answer("enrolmentNotOpened", "error", ""))
                .add("request needs step-up", replies.answer("requestNeedsStepUp", "target", "orders-db"))
                .add("request again", replies.answer("requestAgain", "ref", "orders-db:admin", "duration", "30m",
                        "options", "kind:outage incident:INC-42 ", "justification", "Orders API returns 500s " + hostile))
                .add("step-up set up", replies.answer("stepUpSetUp"))
                .add("(plain) form lost its grant", replies.plainAnswer("formLostGrant"))
                .add("(plain) review form lost its grant", replies.plainAnswer("reviewFormLostGrant"))
                .add("(plain) extra time format", replies.plainAnswer("extraTimeFormat", "hint",
                        dev.breakglass.command.DurationText.HINT))
                .add("(plain) requesting", replies.plainAnswer("requesting", "target", "orders-db"))
                .add("(plain) window not opened", replies.plainAnswer("windowNotOpened", "error", "ratelimited"))
                .assertMatches("handler-answers.txt");
    }
}

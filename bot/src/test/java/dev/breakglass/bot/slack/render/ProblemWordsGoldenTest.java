package dev.breakglass.bot.slack.render;

import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.DurationText;
import dev.breakglass.command.FreeText;
import dev.breakglass.command.JustificationRules;
import dev.breakglass.command.ParseError;
import dev.breakglass.command.TargetRef;
import dev.breakglass.grant.Reply;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * What a person reads when what they typed is refused, against a golden file (see {@link Golden}): every branch of
 * the {@code /breakglass} grammar (as the command reply shows it), and every problem of a duration, a target, a
 * justification, a free-text field and a review (as a form shows it beside the field, in plain text).
 */
class ProblemWordsGoldenTest {
    private static final String WHY = "investigating failed payments INC-123";
    private final CommandReplies replies = new CommandReplies(new Templates(Optional.empty(), CommandReplies.TEMPLATES), EmergencyKinds.NONE);
    private final ReplyText words = new ReplyText(new Templates(Optional.empty(), ReplyText.TEMPLATES));
    private final CommandParser parser = new CommandParser(JustificationRules.DEFAULT);

    @Test
    void everyParseError() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        for (String typed : List.of(
                "request", "request orders-db:", "request :admin", "request a:b:c", "request -bad 30m " + WHY,
                "request " + "x".repeat(70) + " 30m " + WHY, "request orders-db:-x 30m " + WHY,
                "request orders-db", "request 30m orders-db " + WHY, "request orders-db soon " + WHY,
                "request orders-db 0m " + WHY, "request orders-db 0h0m " + WHY, "request orders-db 30 " + WHY,
                "request orders-db 30mins " + WHY, "request orders-db 1234567m " + WHY,
                "request orders-db 30M " + WHY, "request orders-db 30m1h " + WHY, "request orders-db 1000000h " + WHY,
                "request orders-db 30m short", "request orders-db 30m \u202Eabcdefghijkl",
                "request orders-db 30m " + "x".repeat(3001), "request orders-db 30m " + SampleGrants.HOSTILE.substring(0, 9),
                "extend", "extend foo", "extend 42", "extend BG-9", "extend BG-9 soon " + WHY, "extend BG-9 30m short",
                "revoke", "revoke bg_7", "revoke BG-7 \u0000bad", "revoke BG-7 " + "x".repeat(3001),
                "status", "status foo", "status BG7", "status #BG-7,", "status BG-7 extra", "status 0",
                "status BG-1234567890123456789", "review", "audit BG-7 " + SampleGrants.HOSTILE,
                "list foo", "help me", "list " + SampleGrants.HOSTILE,
                "mfa", "mfa enroll now", "mfa status x", "mfa reset", "mfa reset bob", "mfa reset U0ALICE U0BOB",
                "mfa setup", "mfa " + SampleGrants.HOSTILE,
                "frobnicate", "?", "-h", "hlep", "statsu BG-7", "orders-db 30m " + WHY, "lxyz", "re",
                SampleGrants.HOSTILE)) {
            ParseError error = assertInstanceOf(ParseError.class, parser.parse(typed), typed);
            cases.add(typed.length() > 60 ? typed.substring(0, 60) + "…" : typed, replies.parseError(error));
        }
        cases.assertMatches("parse-errors.txt");
    }

    @Test
    void everyProblemShownBesideAField() throws IOException {
        Golden.Cases cases = new Golden.Cases();
        for (String typed : List.of("", "soon", "0m", "30", "30mins", "1234567m", "30M", "30m1h", "1000000h", "5x")) {
            cases.add("duration \"" + typed + "\"", words(DurationText.problem(typed)));
        }
        for (String typed : List.of("", "a:b:c", ":admin", "orders-db:", "-bad", "x".repeat(70), "orders-db:-x",
                SampleGrants.HOSTILE)) {
            cases.add("target \"" + typed + "\"", words(TargetRef.problem(typed)));
        }
        JustificationRules strict = new JustificationRules(20, 100);
        for (String typed : List.of("", "short", "x".repeat(3001), "long enough but \u202Ehidden")) {
            cases.add("justification \"" + cut(typed) + "\"", words(JustificationRules.DEFAULT.problem(typed)));
            cases.add("justification (20 to 100) \"" + cut(typed) + "\"", words(strict.problem(typed)));
        }
        Map<String, FreeText> fields = Map.of("deny reason", FreeText.DENY_REASON, "revoke reason",
                FreeText.REVOKE_REASON, "resolve note", FreeText.RESOLVE_NOTE, "incident", FreeText.INCIDENT,
                "review answer", FreeText.REVIEW_ANSWER);
        for (String field : List.of("deny reason", "revoke reason", "resolve note", "incident", "review answer")) {
            for (String typed : List.of("", "x".repeat(3001), "ok \u0007 bell")) {
                cases.add(field + " \"" + cut(typed) + "\"", words(fields.get(field).problem(typed)));
            }
        }
        Map<ReviewQuestion, String> answers = new EnumMap<>(ReviewQuestion.class);
        answers.put(ReviewQuestion.NECESSARY, "yes");
        answers.put(ReviewQuestion.DURATION, "x".repeat(3001));
        Review.problems(answers).forEach((q, problem) -> cases.add("review " + q.key(), words(Optional.of(problem))));
        cases.assertMatches("problem-words.txt");
    }

    private String words(Optional<Reply> problem) {
        return problem.map(words::plain).orElse("(no problem)");
    }

    private static String cut(String typed) {
        return typed.length() > 20 ? typed.substring(0, 20) + "…(" + typed.length() + ")" : typed;
    }
}

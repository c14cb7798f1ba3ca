package dev.breakglass.command;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.breakglass.command.BreakglassCommand.Audit;
import dev.breakglass.command.BreakglassCommand.Extend;
import dev.breakglass.command.BreakglassCommand.Help;
import dev.breakglass.command.BreakglassCommand.ListGrants;
import dev.breakglass.command.BreakglassCommand.OpenForm;
import dev.breakglass.command.BreakglassCommand.Request;
import dev.breakglass.command.BreakglassCommand.Review;
import dev.breakglass.command.BreakglassCommand.Revoke;
import dev.breakglass.command.BreakglassCommand.Status;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.ShippedWords;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {
    static final String REQUEST_FORM = "/breakglass request <target>[:<role>] <duration> [kind:<id>] [incident:<reference>] <justification…>";
    static final String EXTEND_FORM = "/breakglass extend <id> <duration> <justification…>";
    static final String REVOKE_FORM = "/breakglass revoke <id> [reason…]";
    static final String WHY = "investigating failed payments INC-123";

    final CommandParser parser = new CommandParser(JustificationRules.DEFAULT);

    BreakglassCommand command(String text) {
        ParseResult result = parser.parse(text);
        return assertInstanceOf(BreakglassCommand.class, result, () -> "expected a command for " + text);
    }

    /** A parse error as the person reads it: its message in the shipped words. */
    record Said(String message, String usage) {
    }

    static Said said(ParseError error) {
        return new Said(ShippedWords.of(error.message()), error.usage());
    }

    Said error(String text) {
        ParseResult result = parser.parse(text);
        ParseError error = assertInstanceOf(ParseError.class, result, () -> "expected an error for " + text);
        Said said = said(error);
        assertFalse(said.message().isBlank());
        assertFalse(said.usage().isBlank());
        return said;
    }

    static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), () -> "expected <" + expected + "> in <" + actual + ">");
    }

    static String repeat(String s, int times) {
        return s.repeat(times);
    }

    @Nested
    class OpenFormTest {
        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", " ", "   ", "\t", "\n\r\n", "\u00A0", "\u3000\u2003 \t", "\u2028\u0085"})
        void noTextOpensTheForm(String text) {
            assertEquals(new OpenForm(), command(text));
        }

        @Test
        void zeroWidthSpaceIsNotWhiteSpace() {
            assertInstanceOf(ParseError.class, parser.parse("\u200B"));
        }
    }

    @Nested
    class RequestTest {
        @Test
        void targetWithoutRole() {
            assertEquals(new Request(TargetRef.of("orders-db"), Duration.ofMinutes(30), WHY),
                    command("request orders-db 30m " + WHY));
        }

        @Test
        void targetWithRole() {
            Request r = (Request) command("request orders-db:admin 1h30m " + WHY);
            assertEquals(TargetRef.of("orders-db", "admin"), r.target());
            assertEquals(Optional.of("admin"), r.target().role());
            assertEquals(Duration.ofMinutes(90), r.duration());
            assertEquals(WHY, r.justification());
        }

        @ParameterizedTest
        @ValueSource(strings = {"REQUEST", "Request", "rEqUeSt"})
        void keywordIgnoresCase(String keyword) {
            assertEquals(new Request(TargetRef.of("orders-db"), Duration.ofSeconds(90), WHY),
                    command(keyword + " orders-db 90s " + WHY));
        }

        @Test
        void kindAndIncidentAfterTheDuration() {
            assertEquals(new Request(TargetRef.of("orders-db"), Duration.ofMinutes(30), Optional.of("outage"),
                            Optional.of("INC-42"), WHY),
                    command("request orders-db 30m kind:outage incident:INC-42 " + WHY));
        }

        @Test
        void optionsMayStandBeforeTheDurationInEitherOrderAndTheirNamesIgnoreCase() {
            Request r = (Request) command("request orders-db INCIDENT:inc-7 Kind:Outage 30m " + WHY);
            assertEquals(Optional.of("outage"), r.kind(), "the kind's id is lower-cased");
            assertEquals(Optional.of("inc-7"), r.incident(), "the reference is kept as typed");
            assertEquals(Duration.ofMinutes(30), r.duration());
            assertEquals(WHY, r.justification());
        }

        @Test
        void anOptionInsideTheJustificationIsPartOfIt() {
            Request r = (Request) command("request orders-db 30m kind:breach " + WHY + " kind:outage");
            assertEquals(Optional.of("breach"), r.kind());
            assertEquals(WHY + " kind:outage", r.justification());
        }

        @Test
        void withoutOptionsTheRequestNamesNoKindAndNoIncident() {
            Request r = (Request) command("request orders-db 30m " + WHY);
            assertEquals(Optional.empty(), r.kind());
            assertEquals(Optional.empty(), r.incident());
        }

        @ParameterizedTest
        @ValueSource(strings = {"request orders-db 30m kind: " + WHY, "request orders-db kind: 30m " + WHY,
                "request orders-db 30m incident: " + WHY})
        void anOptionWithoutAValueIsRefusedNotTakenAsJustification(String text) {
            Said e = error(text);
            assertContains("needs a value right after the colon", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void anOptionGivenTwiceIsRefused() {
            assertContains("kind: is given twice", error("request orders-db kind:outage 30m kind:breach " + WHY).message());
            assertContains("incident: is given twice",
                    error("request orders-db 30m incident:INC-1 incident:INC-2 " + WHY).message());
        }

        @Test
        void aReferenceLongerThanTheIncidentFieldIsRefused() {
            Said e = error("request orders-db 30m incident:" + "x".repeat(201) + " " + WHY);
            assertEquals(REQUEST_FORM, e.usage());
            assertContains("200", e.message());
        }

        @Test
        void optionsAloneAreNotADuration() {
            Said e = error("request orders-db kind:outage");
            assertContains("missing its duration", e.message());
        }

        @Test
        void targetAndRoleKeepTheirCase() {
            Request r = (Request) command("request Orders-DB:Admin 2h " + WHY);
            assertEquals("Orders-DB:Admin", r.target().toString());
        }

        @Test
        void anyUnicodeWhiteSpaceSeparatesAndInnerTextIsKept() {
            String text = " \t request\u00A0\u00A0orders-db:read-only\t\t30m \u3000 line one\n\n  line  two\t \u00A0\n";
            Request r = (Request) command(text);
            assertEquals(TargetRef.of("orders-db", "read-only"), r.target());
            assertEquals(Duration.ofMinutes(30), r.duration());
            assertEquals("line one\n\n  line  two", r.justification());
        }

        @Test
        void justificationAtTheLowerBoundIsAccepted() {
            assertEquals("0123456789", ((Request) command("request db 1h 0123456789")).justification());
        }

        @Test
        void justificationOneBelowTheLowerBoundIsRefused() {
            Said e = error("request db 1h 012345678");
            assertContains("too short", e.message());
            assertContains("9 characters", e.message());
            assertContains("at least 10", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void justificationAtTheUpperBoundIsAccepted() {
            String why = repeat("x", 3000);
            assertEquals(why, ((Request) command("request db 1h " + why)).justification());
        }

        @Test
        void justificationOneAboveTheUpperBoundIsRefusedNotTruncated() {
            Said e = error("request db 1h " + repeat("x", 3001));
            assertContains("too long", e.message());
            assertContains("3001 characters", e.message());
            assertContains("at most 3000", e.message());
            assertContains("not truncated", e.message());
        }

        @Test
        void lengthCountsCodePointsNotCharsAndIgnoresSurroundingSpace() {
            String tenEmoji = repeat("\uD83D\uDD25", 10); // 10 code points, 20 chars
            assertEquals(tenEmoji, ((Request) command("request db 1h \u00A0" + tenEmoji + "\u00A0")).justification());
            String many = repeat("\uD83D\uDD25", 3000);
            assertInstanceOf(Request.class, parser.parse("request db 1h " + many));
            assertContains("3001 characters", error("request db 1h " + many + "x").message());
            assertContains("9 characters", error("request db 1h " + repeat("\uD83D\uDD25", 9)).message());
        }

        @Test
        void rulesFromThePolicyApply() {
            CommandParser strict = new CommandParser(new JustificationRules(3, 5));
            assertInstanceOf(Request.class, strict.parse("request db 1h abc"));
            assertInstanceOf(Request.class, strict.parse("request db 1h abcde"));
            Said e = said(assertInstanceOf(ParseError.class, strict.parse("request db 1h abcdef")));
            assertContains("6 characters, at most 5", e.message());
            e = said(assertInstanceOf(ParseError.class, strict.parse("request db 1h ab")));
            assertContains("2 characters, at least 3", e.message());
        }

        @Test
        void missingEverything() {
            Said e = error("request");
            assertContains("missing its target, duration and justification", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void missingDuration() {
            Said e = error("request orders-db   ");
            assertContains("missing its duration and justification", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void missingJustification() {
            Said e = error("request orders-db 30m \t ");
            assertContains("justification is missing", e.message());
            assertContains("10 to 3000", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void badDuration() {
            Said e = error("request orders-db soon " + WHY);
            assertContains("\"soon\" is not a duration", e.message());
            assertContains("90s, 30m or 1h30m", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void zeroDuration() {
            assertContains("\"0m\" is zero", error("request orders-db 0m " + WHY).message());
        }

        @Test
        void numberWithoutUnit() {
            assertContains("\"30\" has no unit", error("request orders-db 30 minutes for " + WHY).message());
        }

        @Test
        void durationAndTargetSwapped() {
            Said e = error("request 30m orders-db " + WHY);
            assertContains("wrong way round", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void targetStartingWithPunctuation() {
            Said e = error("request -orders 30m " + WHY);
            assertContains("The target name \"-orders\" starts with \"-\"", e.message());
            assertContains("a-z, A-Z, 0-9, -, _ and .", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void targetWithForbiddenCharacter() {
            assertContains("contains \"/\"", error("request orders/db 30m " + WHY).message());
            assertContains("contains \"ö\"", error("request örders-db 30m " + WHY).message());
            assertContains("contains \"о\"", error("request \u043Erders-db 30m " + WHY).message()); // Cyrillic o
            assertContains("contains U+0000", error("request orders\u0000db 30m " + WHY).message());
        }

        @Test
        void targetNameLengthBoundary() {
            String longest = repeat("a", 63);
            assertEquals(longest, ((Request) command("request " + longest + " 1h " + WHY)).target().target());
            Said e = error("request " + longest + "b 1h " + WHY);
            assertContains("64 characters long", e.message());
            assertContains("at most 63", e.message());
            assertContains("\"" + repeat("a", 39) + "…\"", e.message());
        }

        @Test
        void roleProblems() {
            assertContains("no role after", error("request orders-db: 30m " + WHY).message());
            assertContains("no target name before", error("request :admin 30m " + WHY).message());
            assertContains("more than one \":\"", error("request a:b:c 30m " + WHY).message());
            assertContains("The role name \"_x\" starts with \"_\"", error("request db:_x 30m " + WHY).message());
            assertContains("The role name \"" + repeat("r", 39) + "…\" is 64 characters long",
                    error("request db:" + repeat("r", 64) + " 30m " + WHY).message());
        }

        @Test
        void justificationWithHiddenCharactersIsRefused() {
            assertContains("(U+0000) at character 8", error("request db 1h because\u0000 of it").message());
            assertContains("(U+202E)", error("request db 1h because \u202Eti fo").message());
            assertContains("(U+D800)", error("request db 1h because \uD800 of it").message());
        }

        @Test
        void emojiSequencesAndMarksAreKept() {
            String why = "family outage \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 caf\u00E9 \u200Fok";
            assertEquals(why, ((Request) command("request db 1h " + why)).justification());
        }
    }

    @Nested
    class ListTest {
        @ParameterizedTest
        @ValueSource(strings = {"list", "LIST", "List", "  list\t", "\u00A0list\n"})
        void list(String text) {
            assertEquals(new ListGrants(), command(text));
        }

        @Test
        void extraArgumentIsAnError() {
            Said e = error("list foo");
            assertContains("takes no arguments", e.message());
            assertContains("\"foo\"", e.message());
            assertContains("/breakglass list on its own", e.message());
            assertEquals("/breakglass list", e.usage());
        }
    }

    @Nested
    class MfaTest {
        @Test
        void enrollStatusAndReset() {
            assertEquals(new BreakglassCommand.MfaEnroll(), command("mfa enroll"));
            assertEquals(new BreakglassCommand.MfaEnroll(), command("MFA Enrol"));
            assertEquals(new BreakglassCommand.MfaStatus(), command("mfa status"));
            assertEquals(new BreakglassCommand.MfaReset("U0ALICE"), command("mfa reset <@U0ALICE|alice>"));
            assertEquals(new BreakglassCommand.MfaReset("U0ALICE"), command("mfa reset <@U0ALICE>"));
            assertEquals(new BreakglassCommand.MfaReset("W0ALICE"), command("mfa reset W0ALICE"));
        }

        @Test
        void mistakesSayWhatToType() {
            assertContains("enroll, status or reset", error("mfa").message());
            assertContains("There is no mfa \"setup\"", error("mfa setup").message());
            assertContains("needs the person", error("mfa reset").message());
            assertContains("is not a person", error("mfa reset @alice").message());
            assertContains("takes no arguments", error("mfa enroll now").message());
            assertContains("takes only the person", error("mfa reset U0ALICE U0BOB").message());
            assertEquals("/breakglass mfa enroll|status|reset <user>", error("mfa").usage());
        }
    }

    @Nested
    class StatusReviewAuditTest {
        @Test
        void status() {
            assertEquals(new Status(new GrantId(7)), command("status BG-7"));
            assertEquals(new Status(new GrantId(7)), command("STATUS bg-7"));
            assertEquals(new Status(new GrantId(123456789)), command("status\u00A0BG-123456789\t"));
        }

        @Test
        void review() {
            assertEquals(new Review(new GrantId(12)), command("review BG-12"));
            assertEquals(new Review(new GrantId(12)), command("Review\tbg-12"));
        }

        @Test
        void audit() {
            assertEquals(new Audit(new GrantId(3)), command("audit BG-3"));
            assertEquals(new Audit(new GrantId(3)), command("AUDIT  BG-3  "));
        }

        @ParameterizedTest
        @ValueSource(strings = {"status", "review", "audit"})
        void missingId(String keyword) {
            Said e = error(keyword + "  ");
            assertContains("needs a grant id", e.message());
            assertContains("/breakglass list", e.message());
            assertEquals("/breakglass " + keyword + " <id>", e.usage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"status", "review", "audit"})
        void extraArgument(String keyword) {
            Said e = error(keyword + " BG-1 extra stuff");
            assertContains("takes only a grant id", e.message());
            assertContains("\"extra stuff\"", e.message());
            assertContains("/breakglass " + keyword + " BG-1 on its own", e.message());
            assertEquals("/breakglass " + keyword + " <id>", e.usage());
        }

        @Test
        void badIdWithoutAGuess() {
            Said e = error("status foo");
            assertContains("\"foo\" is not a grant id; ids look like BG-42", e.message());
            assertEquals("/breakglass status <id>", e.usage());
        }

        @Test
        void badIdsWithAGuess() {
            assertContains("\"42\" is not a grant id; did you mean BG-42?", error("status 42").message());
            assertContains("did you mean BG-7?", error("status BG7").message());
            assertContains("did you mean BG-7?", error("status BG-07").message());
            assertContains("did you mean BG-7?", error("audit `BG-7`").message());
            assertContains("did you mean BG-7?", error("review #BG-7,").message());
        }

        @Test
        void idsThatAreNotPositiveOrTooLong() {
            assertContains("ids look like BG-42", error("status BG-0").message());
            assertContains("ids look like BG-42", error("status BG--1").message());
            assertContains("ids look like BG-42", error("status BG-1234567890123456789").message());
        }
    }

    @Nested
    class RevokeTest {
        @Test
        void withoutReason() {
            assertEquals(new Revoke(new GrantId(7), Optional.empty()), command("revoke BG-7"));
            assertEquals(new Revoke(new GrantId(7), Optional.empty()), command("REVOKE bg-7 \t\u00A0\n"));
        }

        @Test
        void withReasonKeptAsTyped() {
            assertEquals(new Revoke(new GrantId(7), Optional.of("done,  thanks\nall good")),
                    command("revoke BG-7   done,  thanks\nall good  "));
        }

        @Test
        void shortReasonIsFine() {
            assertEquals(new Revoke(new GrantId(7), Optional.of("ok")), command("Revoke BG-7 ok"));
        }

        @Test
        void reasonAtTheLimitIsAccepted() {
            Revoke r = (Revoke) command("revoke BG-7 " + repeat("r", 3000));
            assertEquals(3000, r.reason().orElseThrow().length());
        }

        @Test
        void oversizedReasonIsRefused() {
            Said e = error("revoke BG-7 " + repeat("r", 3001));
            assertContains("reason is too long: 3001 characters, at most 3000", e.message());
            assertEquals(REVOKE_FORM, e.usage());
        }

        @Test
        void reasonWithControlCharacterIsRefused() {
            assertContains("(U+001B)", error("revoke BG-7 done \u001B[2J").message());
        }

        @Test
        void missingId() {
            Said e = error("revoke");
            assertContains("needs a grant id", e.message());
            assertEquals(REVOKE_FORM, e.usage());
        }

        @Test
        void badId() {
            Said e = error("revoke now please");
            assertContains("\"now\" is not a grant id", e.message());
            assertEquals(REVOKE_FORM, e.usage());
        }
    }

    @Nested
    class ExtendTest {
        @Test
        void extend() {
            assertEquals(new Extend(new GrantId(9), Duration.ofMinutes(15), "migration still running"),
                    command("extend BG-9 15m migration still running"));
            assertEquals(new Extend(new GrantId(9), Duration.ofMinutes(75), "migration\nstill running"),
                    command("EXTEND\tbg-9\u00A01h15m\u2003migration\nstill running\n"));
        }

        @Test
        void missingEverything() {
            Said e = error("extend");
            assertContains("needs a grant id, a duration and a justification", e.message());
            assertEquals(EXTEND_FORM, e.usage());
        }

        @Test
        void badId() {
            assertContains("\"9\" is not a grant id; did you mean BG-9?", error("extend 9 30m " + WHY).message());
        }

        @Test
        void missingDuration() {
            Said e = error("extend BG-9");
            assertContains("missing the extra time and its justification", e.message());
            assertContains("extend BG-9 30m", e.message());
            assertEquals(EXTEND_FORM, e.usage());
        }

        @Test
        void badDuration() {
            Said e = error("extend BG-9 1m1h " + WHY);
            assertContains("\"1m1h\" has its units out of order", e.message());
            assertEquals(EXTEND_FORM, e.usage());
        }

        @Test
        void missingJustification() {
            Said e = error("extend BG-9 30m");
            assertContains("justification is missing", e.message());
            assertEquals(EXTEND_FORM, e.usage());
        }

        @Test
        void justificationBoundaries() {
            assertInstanceOf(Extend.class, parser.parse("extend BG-9 30m " + repeat("j", 10)));
            assertContains("too short: 9 characters", error("extend BG-9 30m " + repeat("j", 9)).message());
            assertInstanceOf(Extend.class, parser.parse("extend BG-9 30m " + repeat("j", 3000)));
            assertContains("too long: 3001 characters", error("extend BG-9 30m " + repeat("j", 3001)).message());
        }
    }

    @Nested
    class HelpTest {
        @ParameterizedTest
        @ValueSource(strings = {"help", "HELP", " Help "})
        void help(String text) {
            assertEquals(new Help(), command(text));
        }

        @Test
        void extraArgumentIsAnError() {
            Said e = error("help request");
            assertContains("takes no arguments, but \"request\" follows it", e.message());
            assertEquals("/breakglass help", e.usage());
        }
    }

    @Nested
    class UnknownSubcommandTest {
        @Test
        void typoGetsASuggestion() {
            Said e = error("lsit");
            assertContains("There is no subcommand \"lsit\"; did you mean list?", e.message());
            assertContains("/breakglass help", e.message());
            assertEquals("/breakglass list", e.usage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"reqest orders-db 30m x", "requets", "REQEUST", "requestt", "rquest", "req"})
        void nearRequest(String text) {
            Said e = error(text);
            assertContains("did you mean request?", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void otherSuggestions() {
            assertContains("did you mean revoke?", error("revok BG-1").message());
            assertContains("did you mean review?", error("reveiw BG-1").message());
            assertContains("did you mean status?", error("stats BG-1").message());
            assertContains("did you mean audit?", error("adit BG-1").message());
            assertContains("did you mean extend?", error("extned BG-1").message());
            assertContains("did you mean help?", error("hlep").message());
            assertContains("did you mean help?", error("?").message());
            assertContains("did you mean list?", error("ls").message());
        }

        @Test
        void farAwayGetsNoSuggestion() {
            Said e = error("frobnicate the database");
            assertContains("There is no subcommand \"frobnicate\".", e.message());
            assertFalse(e.message().contains("did you mean"));
            assertContains("/breakglass help", e.message());
            assertEquals("/breakglass help", e.usage());
        }

        @Test
        void threeEditsAwayGetsNoSuggestion() {
            assertFalse(error("lxyz").message().contains("did you mean"));
        }

        @Test
        void ambiguousPrefixGetsNoSuggestion() {
            assertFalse(error("rev BG-1").message().contains("did you mean"));
        }

        @Test
        void lookAlikeLettersAreNotKeywords() {
            assertInstanceOf(ParseError.class, parser.parse("l\u0130st")); // dotted capital I
            assertInstanceOf(ParseError.class, parser.parse("\u017Ftatus BG-1")); // long s
        }

        @Test
        void targetFirstPointsToRequest() {
            Said e = error("orders-db 30m " + WHY);
            assertContains("put request first", e.message());
            assertEquals(REQUEST_FORM, e.usage());
        }

        @Test
        void longUnknownWordIsQuotedAndCut() {
            String word = repeat("z", 100);
            Said e = error(word);
            assertContains("\"" + repeat("z", 39) + "…\"", e.message());
            assertFalse(e.message().contains(repeat("z", 40)));
        }

        @Test
        void hiddenCharactersAreNotEchoed() {
            Said e = error("\u202Eabc");
            assertFalse(e.message().contains("\u202E"));
            assertContains("\"\uFFFDabc\"", e.message());
        }
    }

    @Nested
    class UsagesTest {
        @Test
        void everyFormInDesignOrder() {
            List<String> forms = CommandParser.usages().stream().map(Usage::form).toList();
            assertEquals(List.of(
                    "/breakglass",
                    REQUEST_FORM,
                    "/breakglass list",
                    "/breakglass status <id>",
                    REVOKE_FORM,
                    EXTEND_FORM,
                    "/breakglass review <id>",
                    "/breakglass audit <id>",
                    "/breakglass mfa enroll|status|reset <user>",
                    "/breakglass help"), forms);
            assertEquals(List.of("open", "request", "list", "status", "revoke", "extend", "review", "audit", "mfa", "help"),
                    CommandParser.usages().stream().map(Usage::name).toList(), "each form names its words in help");
        }

        @Test
        void everyFormsKeywordIsKnown() {
            for (Usage u : CommandParser.usages().subList(1, CommandParser.usages().size())) {
                String keyword = u.form().split(" ")[1];
                ParseResult r = parser.parse(keyword);
                if (r instanceof ParseError error) {
                    Said e = said(error);
                    assertFalse(e.message().contains("no subcommand"), keyword);
                    assertEquals(u.form(), e.usage());
                }
            }
        }

        @Test
        void everyErrorUsageIsAKnownForm() {
            List<String> forms = CommandParser.usages().stream().map(Usage::form).toList();
            for (String text : List.of("request", "list x", "status", "revoke x", "extend", "review",
                    "audit x y", "help x", "nope", "lsit")) {
                assertTrue(forms.contains(error(text).usage()), text);
            }
        }

        @Test
        void listIsImmutable() {
            assertNotNull(CommandParser.usages());
            org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                    () -> CommandParser.usages().clear());
        }
    }

    @Nested
    class RobustnessTest {
        @ParameterizedTest
        @ValueSource(strings = {"\uD800", "\uDC00request", "request \uD800 1h x", "request db \uDBFF 0123456789",
                "\u0000", "status \u0000", "revoke BG-1 \uDFFF", "::::", "request : 1h xxxxxxxxxx",
                "request a: 1h", "request \uD83D\uDD25 1h xxxxxxxxxxxx", "extend BG-9223372036854775807 1h x"})
        void oddInputNeverThrows(String text) {
            assertNotNull(parser.parse(text));
        }

        @Test
        void hugeInputIsHandled() {
            String huge = "request db 1h " + repeat("word ", 200_000);
            Said e = error(huge);
            assertContains("too long", e.message());
            assertNotNull(parser.parse(repeat("\u00A0", 100_000) + "list"));
            assertNotNull(parser.parse(repeat("x", 1_000_000)));
        }

        @Test
        void nullRulesAreRefused() {
            org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> new CommandParser(null));
        }

        @Test
        void recordsValidateThemselves() {
            assertAll(
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Request(TargetRef.of("db"), Duration.ZERO, WHY)),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Request(TargetRef.of("db"), Duration.ofMinutes(-1), WHY)),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Request(TargetRef.of("db"), Duration.ofMinutes(1), "  why ")),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Extend(new GrantId(1), Duration.ofMinutes(1), "")),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Revoke(new GrantId(1), Optional.of(" "))),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                            () -> new Status(null)),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new ParseError(dev.breakglass.grant.Reply.of(" "), "/breakglass help")),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> new Usage("open", "")));
        }
    }
}

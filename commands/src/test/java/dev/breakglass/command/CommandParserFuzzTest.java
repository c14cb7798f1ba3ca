package dev.breakglass.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.breakglass.command.BreakglassCommand.Audit;
import dev.breakglass.command.BreakglassCommand.Extend;
import dev.breakglass.command.BreakglassCommand.Help;
import dev.breakglass.command.BreakglassCommand.ListGrants;
import dev.breakglass.command.BreakglassCommand.OpenForm;
import dev.breakglass.command.BreakglassCommand.Request;
import dev.breakglass.command.BreakglassCommand.Review;
import dev.breakglass.command.BreakglassCommand.Revoke;
import dev.breakglass.command.BreakglassCommand.Status;
import dev.breakglass.grant.ShippedWords;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Arbitrary text into the parser. Under plain {@code mvn test} this runs in regression mode: the empty input and
 * the seeds in {@code src/test/resources/dev/breakglass/command/CommandParserFuzzTestInputs/<method>/}. With
 * {@code JAZZER_FUZZ=1} it fuzzes (about 2.4 GB of memory); findings are written next to the seeds.
 *
 * <p>Seeds are read through Jazzer's {@link FuzzedDataProvider}: strings are modified UTF-8 (a character outside
 * the BMP is two 3-byte surrogates, as in CESU-8), {@code consumeString} stops at a backslash followed by another
 * character, and numbers and booleans are taken from the end of the file.
 */
class CommandParserFuzzTest {
    private static final JustificationRules TIGHT_RULES = new JustificationRules(3, 12);
    private static final List<CommandParser> PARSERS =
            List.of(new CommandParser(JustificationRules.DEFAULT), new CommandParser(TIGHT_RULES));
    private static final List<JustificationRules> RULES = List.of(JustificationRules.DEFAULT, TIGHT_RULES);
    private static final Set<String> FORMS =
            CommandParser.usages().stream().map(Usage::form).collect(Collectors.toUnmodifiableSet());

    /** Any text: never throws, and whatever comes out is well formed. */
    @FuzzTest
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        for (int i = 0; i < PARSERS.size(); i++) {
            check(PARSERS.get(i), RULES.get(i), text);
        }
    }

    /**
     * A request assembled from parts: when every part is valid, the parser returns exactly that request; whatever
     * the parts, the invariants of {@link #parse} hold.
     */
    @FuzzTest
    void requestRoundTrip(FuzzedDataProvider data) {
        String target = data.consumeString(70);
        boolean hasRole = data.consumeBoolean();
        String role = data.consumeString(70);
        long seconds = data.consumeLong(1, DurationText.MAX.getSeconds());
        String justification = data.consumeRemainingAsString();

        String ref = hasRole ? target + ":" + role : target;
        Duration duration = Duration.ofSeconds(seconds);
        String text = "request " + ref + " " + DurationText.format(duration) + " " + justification;
        CommandParser parser = PARSERS.get(0);
        ParseResult result = check(parser, JustificationRules.DEFAULT, text);

        Optional<TargetRef> expectedTarget = TargetRef.parse(ref);
        String firstWord = Text.strip(justification).split("\\s", 2)[0].toLowerCase(java.util.Locale.ROOT);
        boolean startsWithOption = firstWord.startsWith("kind:") || firstWord.startsWith("incident:");
        if (expectedTarget.isPresent() && JustificationRules.DEFAULT.allows(justification) && !startsWithOption) {
            assertEquals(new Request(expectedTarget.get(), duration, Text.strip(justification)), result, text);
        }
    }

    private static ParseResult check(CommandParser parser, JustificationRules rules, String text) {
        ParseResult result = parser.parse(text);
        assertNotNull(result);
        assertEquals(result, parser.parse(text), "same text, same result");
        assertEquals(Text.strip(text).isEmpty(), result instanceof OpenForm, "open form exactly for blank text");

        if (result instanceof ParseError error) {
            String message = ShippedWords.of(error.message());
            assertFalse(message.isBlank());
            assertFalse(error.usage().isBlank());
            assertTrue(FORMS.contains(error.usage()), error.usage());
            assertTrue(Text.length(message) <= 400, "message stays short: " + message);
            assertTrue(message.codePoints().noneMatch(Text::isUnsafe), "no hidden characters echoed: " + message);
            return result;
        }
        BreakglassCommand command = (BreakglassCommand) result;
        if (command instanceof Request request) {
            assertTrue(rules.allows(request.justification()), request.justification());
            assertEquals(Text.strip(request.justification()), request.justification());
            assertPositiveAndReadable(request.duration());
            assertTrue(TargetRef.parse(request.target().toString()).isPresent());
        } else if (command instanceof Extend extend) {
            assertTrue(rules.allows(extend.justification()), extend.justification());
            assertPositiveAndReadable(extend.duration());
        } else if (command instanceof Revoke revoke) {
            revoke.reason().ifPresent(reason -> {
                assertTrue(Text.length(reason) <= CommandParser.MAX_REASON_LENGTH);
                assertEquals(Text.strip(reason), reason);
                assertTrue(reason.codePoints().noneMatch(Text::isUnsafe));
            });
        }
        String rendered = render(command);
        assertEquals(command, parser.parse(rendered), () -> "re-rendered as: " + rendered);
        return result;
    }

    private static void assertPositiveAndReadable(Duration duration) {
        assertTrue(duration.compareTo(Duration.ZERO) > 0);
        assertTrue(duration.compareTo(DurationText.MAX) <= 0);
        assertEquals(Optional.of(duration), DurationText.parse(DurationText.format(duration)));
    }

    /** The canonical text of a command, as a user would type it. */
    static String render(BreakglassCommand command) {
        if (command instanceof OpenForm) {
            return "";
        } else if (command instanceof Request r) {
            return "request " + r.target() + " " + DurationText.format(r.duration())
                    + r.kind().map(k -> " kind:" + k).orElse("") + r.incident().map(i -> " incident:" + i).orElse("")
                    + " " + r.justification();
        } else if (command instanceof ListGrants) {
            return "list";
        } else if (command instanceof Status s) {
            return "status " + s.id();
        } else if (command instanceof Revoke r) {
            return "revoke " + r.id() + r.reason().map(reason -> " " + reason).orElse("");
        } else if (command instanceof Extend e) {
            return "extend " + e.id() + " " + DurationText.format(e.duration()) + " " + e.justification();
        } else if (command instanceof Review r) {
            return "review " + r.id();
        } else if (command instanceof Audit a) {
            return "audit " + a.id();
        } else if (command instanceof Help) {
            return "help";
        }
        throw new AssertionError("unknown command " + command);
    }
}

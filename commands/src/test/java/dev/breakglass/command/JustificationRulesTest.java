package dev.breakglass.command;

import dev.breakglass.grant.ShippedWords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JustificationRulesTest {

    @Test
    void defaultIsTenToThreeThousand() {
        assertEquals(new JustificationRules(10, 3000), JustificationRules.DEFAULT);
    }

    @Test
    void boundsMustMakeSense() {
        assertThrows(IllegalArgumentException.class, () -> new JustificationRules(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new JustificationRules(10, 9));
        new JustificationRules(5, 5);
    }

    @Test
    void lengthIsCodePointsWithoutSurroundingWhiteSpace() {
        JustificationRules rules = JustificationRules.DEFAULT;
        assertEquals(3, rules.lengthOf("\u00A0 a\nb \t"));
        assertEquals(2, rules.lengthOf("\uD83D\uDD25\uD83D\uDD25"));
        assertEquals(0, rules.lengthOf(null));
    }

    @Test
    void boundariesAreInclusive() {
        JustificationRules rules = new JustificationRules(2, 4);
        assertFalse(rules.allows("a"));
        assertTrue(rules.allows("ab"));
        assertTrue(rules.allows("abcd"));
        assertFalse(rules.allows("abcde"));
        assertTrue(rules.allows("  abcd  "));
    }

    @Test
    void problemsSayTheLimitAndTheActualLength() {
        JustificationRules rules = JustificationRules.DEFAULT;
        assertEquals("The justification is too short: 1 character, at least 10 needed. Say what is broken and "
                + "why you need access, in 10 to 3000 characters.", ShippedWords.of(rules.problem("x").orElseThrow()));
        assertEquals("The justification is too long: 3001 characters, at most 3000 allowed. Shorten it: longer "
                + "text is refused, not truncated.", ShippedWords.of(rules.problem("y".repeat(3001)).orElseThrow()));
        assertTrue(ShippedWords.of(rules.problem(" \t ").orElseThrow()).startsWith("The justification is missing."));
        assertTrue(ShippedWords.of(rules.problem(null).orElseThrow()).startsWith("The justification is missing."));
        assertEquals("The justification contains an invisible or broken character (U+202E) at character 5. "
                + "Remove it and send it again.", ShippedWords.of(rules.problem("abcd\u202Eefghijk").orElseThrow()));
    }
}

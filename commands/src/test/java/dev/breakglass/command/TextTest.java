package dev.breakglass.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void unicodeWhiteSpace() {
        for (int cp : new int[] {' ', '\t', '\n', 0x0B, '\f', '\r', 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028,
                0x2029, 0x202F, 0x205F, 0x3000}) {
            assertTrue(Text.isWhitespace(cp), Text.codePointName(cp));
        }
        for (int cp : new int[] {'a', 0x200B, 0xFEFF, 0x180E, 0x1C, 0x00}) {
            assertFalse(Text.isWhitespace(cp), Text.codePointName(cp));
        }
    }

    @Test
    void stripUsesUnicodeWhiteSpace() {
        assertEquals("a b", Text.strip("\u00A0\u3000 a b\u2003\n"));
        assertEquals("", Text.strip(null));
        assertEquals("\u200Ba", Text.strip("\u200Ba "));
    }

    @Test
    void quoteKeepsShortTextWhole() {
        assertEquals("\"foo\"", Text.quote("foo"));
        String forty = "x".repeat(40);
        assertEquals("\"" + forty + "\"", Text.quote(forty));
    }

    @Test
    void quoteCutsLongTextToFortyCharacters() {
        assertEquals("\"" + "x".repeat(39) + "…\"", Text.quote("x".repeat(41)));
        String emoji = "\uD83D\uDD25".repeat(50);
        assertEquals("\"" + "\uD83D\uDD25".repeat(39) + "…\"", Text.quote(emoji));
    }

    @Test
    void quoteFoldsWhiteSpaceAndHidesControls() {
        assertEquals("\"a b c\"", Text.quote(" a\n\n b\t\u00A0c "));
        assertEquals("\"a\uFFFDb\uFFFDc\uFFFD\"", Text.quote("a\u0000b\u202Ec\uD800"));
    }
}

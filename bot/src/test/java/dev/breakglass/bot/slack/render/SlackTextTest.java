package dev.breakglass.bot.slack.render;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlackTextTest {
    @Test
    void pingsMentionsAndLinksBecomeText() {
        assertEquals("&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; a &amp;amp; b",
                SlackText.escape("<!channel> <@U123> <https://evil|click> a &amp; b"));
        assertEquals("", SlackText.escape(null));
        assertEquals("*bold* _it_ `code`", SlackText.escape("*bold* _it_ `code`"));
    }

    @Test
    void slacksEscapingOfTypedTextIsUndoneOnceAndRoundTrips() {
        assertEquals("a & b <c> &lt;", SlackText.unescape("a &amp; b &lt;c&gt; &amp;lt;"));
        assertEquals("", SlackText.unescape(null));
        String typed = "<!channel> & <@U1> &amp;";
        assertEquals(typed, SlackText.unescape(SlackText.escape(typed)));
    }

    @Test
    void exactPiecesJoinBackAndStayWithinTheLimitOnceEscaped() {
        String text = "ab\n" + "&<>".repeat(3) + "\uD83D\uDD11x\u00e9\n" + "y".repeat(20);
        for (int limit = 5; limit <= 40; limit++) {
            java.util.List<String> pieces = SlackText.exactPieces(text, limit);
            assertEquals(text, String.join("", pieces), "limit " + limit);
            for (String p : pieces) {
                assertTrue(SlackText.escape(p).length() <= limit, limit + ": " + p);
                assertTrue(p.isEmpty() || !Character.isLowSurrogate(p.charAt(0)), limit + ": pair split: " + p);
            }
        }
        assertEquals(java.util.List.of(""), SlackText.exactPieces("", 10));
        assertEquals(java.util.List.of("line one\n", "line two"), SlackText.exactPieces("line one\nline two", 12),
                "a piece ends after a line break where one falls in its second half");
        assertEquals(java.util.List.of("aaaaa", "a"), SlackText.exactPieces("aaaaaa", 5));
    }

    @Test
    void fittingCutsWithAVisibleMarkerAndNeverSplitsAnEntity() {
        assertEquals("short", SlackText.fit("short", 3000));
        String text = "a".repeat(2985) + "&amp;" + "b".repeat(100);
        String fitted = SlackText.fit(text, 3000);
        assertTrue(fitted.length() <= 3000, "length " + fitted.length());
        assertTrue(fitted.endsWith(SlackText.CUT_MARKER));
        String kept = fitted.substring(0, fitted.length() - SlackText.CUT_MARKER.length());
        int amp = kept.lastIndexOf('&');
        assertTrue(amp < 0 || kept.indexOf(';', amp) > 0, "cut inside an entity: " + kept.substring(2970));
        String emoji = "x".repeat(2986) + "🔥🔥🔥🔥";
        String cut = SlackText.fit(emoji + "y".repeat(50), 3000);
        assertTrue(!Character.isHighSurrogate(cut.charAt(cut.length() - SlackText.CUT_MARKER.length() - 1)));
    }
}

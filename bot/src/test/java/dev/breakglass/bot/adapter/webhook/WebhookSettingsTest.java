package dev.breakglass.bot.adapter.webhook;

import dev.breakglass.bot.adapter.EnvironmentVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings as the policy file gives them, checked when the bot starts, through the factory the bot uses. */
class WebhookSettingsTest {
    private static final String SECRET = "s3cret-value-0123456789abcdef0123";
    private static final Map<String, String> ENV = Map.of(
            "HOOK_SECRET", SECRET,
            "HOOK_URL", "https://hooks.example.com/breakglass?key=abc",
            "EMPTY", "");

    @Test
    void urlAndSecretAreEnoughDefaultsForTheRest() {
        WebhookSettings s = parse(Map.of("url", "https://hooks.example.com/bg", "secret", SECRET));

        assertEquals(URI.create("https://hooks.example.com/bg"), s.url());
        assertEquals(SECRET, s.secret());
        assertEquals(Duration.ofSeconds(10), s.timeout());
        assertEquals(3, s.retries());
    }

    @Test
    void everySettingIsRead() {
        WebhookSettings s = parse(Map.of("url", "http://127.0.0.1:8080/hook", "secret", SECRET,
                "timeout", "1m30s", "retries", 0));

        assertEquals(Duration.ofSeconds(90), s.timeout());
        assertEquals(0, s.retries());
        assertEquals("http://127.0.0.1:8080", s.origin());
    }

    @Test
    void wholeNumbersOfAnyIntegerTypeAreRetries() {
        assertEquals(10, parse(Map.of("url", "https://h.example", "secret", SECRET, "retries", 10L)).retries());
        assertEquals(2, parse(Map.of("url", "https://h.example", "secret", SECRET, "retries", BigInteger.TWO))
                .retries());
    }

    @Test
    void environmentReferencesAreResolvedAtStart() {
        WebhookSettings s = parse(Map.of("url", "${HOOK_URL}", "secret", "${HOOK_SECRET}"));

        assertEquals(SECRET, s.secret());
        assertEquals(URI.create("https://hooks.example.com/breakglass?key=abc"), s.url());
    }

    @Test
    void onlyAWholeValueIsAReference() {
        assertEquals("pre${HOOK_SECRET}", parse(Map.of("url", "https://h.example", "secret", "pre${HOOK_SECRET}"))
                .secret());
        assertEquals("$HOOK_SECRET", parse(Map.of("url", "https://h.example", "secret", "$HOOK_SECRET")).secret());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("secret", SECRET), "settings.url is missing"),
                Arguments.of(with("url", 42), "settings.url must be text, not a number"),
                Arguments.of(with("url", ""), "settings.url is empty"),
                Arguments.of(with("url", "ftp://x"), "settings.url: \"ftp://x\" is not an http(s) URL"),
                Arguments.of(with("url", "/relative/path"), "settings.url: \"/relative/path\" is not an http(s) URL"),
                Arguments.of(with("url", "hooks.example.com"), "settings.url: \"hooks.example.com\" is not an http(s) URL"),
                Arguments.of(with("url", "mailto:a@b.c"), "settings.url: \"mailto:a@b.c\" is not an http(s) URL"),
                Arguments.of(with("url", "https://exa mple.com"), "settings.url: \"https://exa mple.com\" is not an http(s) URL"),
                Arguments.of(with("url", "http://"), "settings.url: \"http://\" is not an http(s) URL"),
                Arguments.of(with("url", "http:///path"), "settings.url: \"http:///path\" has no valid host name"),
                Arguments.of(with("url", "https://user:pw@h.example/x"),
                        "settings.url: \"https://user:pw@h.example/x\" carries user info"),
                Arguments.of(with("url", "https://h.example/x#frag"), "settings.url: \"https://h.example/x#frag\" has a #fragment"),
                Arguments.of(with("url", "${NOPE}"), "settings.url: environment variable NOPE is not set"),
                Arguments.of(Map.of("url", "https://h.example"), "settings.secret is missing"),
                Arguments.of(with("secret", ""), "settings.secret is empty"),
                Arguments.of(with("secret", List.of("a")), "settings.secret must be text, not a list"),
                Arguments.of(with("secret", "${MISSING_SECRET}"),
                        "settings.secret: environment variable MISSING_SECRET is not set"),
                Arguments.of(with("secret", "${EMPTY}"), "settings.secret: environment variable EMPTY is empty"),
                Arguments.of(with("secret", "${1BAD}"), "settings.secret: has the ${...} form but no valid"),
                Arguments.of(with("secret", "${}"), "settings.secret: has the ${...} form but no valid"),
                Arguments.of(with("timeout", "10"), "settings.timeout: \"10\" is not a duration from 1s to 2m"),
                Arguments.of(with("timeout", 10), "settings.timeout: 10 has no unit"),
                Arguments.of(with("timeout", "ten seconds"), "settings.timeout: \"ten seconds\" is not a duration"),
                Arguments.of(with("timeout", "0s"), "settings.timeout: \"0s\" is not a duration"),
                Arguments.of(with("timeout", "-5s"), "settings.timeout: \"-5s\" is not a duration"),
                Arguments.of(with("timeout", "10S"), "settings.timeout: \"10S\" is not a duration"),
                Arguments.of(with("timeout", "3m"), "settings.timeout: \"3m\" is longer than 2m"),
                Arguments.of(with("timeout", true), "settings.timeout: must be text, not true/false"),
                Arguments.of(with("retries", -1), "settings.retries: -1 is out of range"),
                Arguments.of(with("retries", 11), "settings.retries: 11 is out of range"),
                Arguments.of(with("retries", "3"), "settings.retries: \"3\" is not a whole number"),
                Arguments.of(with("retries", 1.5), "settings.retries: 1.5 is not a whole number"),
                Arguments.of(with("retries", true), "settings.retries: true is not a whole number"),
                Arguments.of(with("retry", 3), "settings.retry is not a webhook setting; "
                        + "the webhook adapter reads url, secret, timeout and retries"),
                Arguments.of(with("URL", "https://h.example"), "settings.URL is not a webhook setting"),
                Arguments.of(with("headers", Map.of("X", "y")), "settings.headers is not a webhook setting"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void everyBadSettingIsNamed(Map<String, Object> settings, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory().create("orders-db", settings));

        assertTrue(e.getMessage().startsWith(expected), "expected «" + expected + "…», got «" + e.getMessage() + "»");
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void noSettingsAtAllMeansTheUrlIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory().create("orders-db", null));

        assertEquals("settings.url is missing: the receiver's http(s) URL", e.getMessage());
    }

    @Test
    void aSecretWrittenAsANumberIsNotEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory().create("orders-db", with("secret", 987654321987L)));

        assertEquals("settings.secret must be text, not a number: the HMAC key, e.g. ${BREAKGLASS_WEBHOOK_SECRET}",
                e.getMessage());
    }

    @Test
    void theProcessEnvironmentIsTheDefaultLookup() {
        // PATH is set wherever tests run; the bot's constructor reads the real environment.
        String path = System.getenv("PATH");
        WebhookSettings s = WebhookSettings.parse(Map.of("url", "https://h.example", "secret", "${PATH}"),
                EnvironmentVariables.system());

        assertEquals(path, s.secret());
    }

    @Test
    void toStringHidesTheSecretAndTheUrlsPathAndQuery() {
        WebhookSettings s = parse(Map.of("url", "https://hooks.example.com:8443/bg?key=abc", "secret", SECRET));

        assertEquals("WebhookSettings[url=https://hooks.example.com:8443, secret=(hidden), timeout=10s, retries=3]",
                s.toString());
    }

    @Test
    void theRecordChecksItselfToo() {
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookSettings(URI.create("ftp://x"), SECRET, Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookSettings(URI.create("https://x.example"), "", Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookSettings(URI.create("https://x.example"), SECRET, Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookSettings(URI.create("https://x.example"), SECRET, Duration.ofSeconds(1), 11));
    }

    /** Valid settings with one key replaced or added. */
    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("url", "https://hooks.example.com/bg");
        settings.put("secret", SECRET);
        settings.put(key, value);
        return settings;
    }

    private static WebhookSettings parse(Map<String, Object> settings) {
        return factory().create("orders-db", settings).settings();
    }

    private static WebhookAdapterFactory factory() {
        return new WebhookAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(new HashMap<>(ENV)), d -> {
        });
    }
}

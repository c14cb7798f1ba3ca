package dev.breakglass.bot.adapter;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvironmentVariablesTest {
    private final EnvironmentVariables env = EnvironmentVariables.of(Map.of("DB_PASSWORD", "pw", "EMPTY", ""));

    @Test
    void aWholeReferenceIsResolved() {
        assertEquals("pw", env.resolve("password", "${DB_PASSWORD}"));
    }

    @Test
    void anythingElseIsLiteral() {
        for (String literal : new String[]{"pw", "pre${DB_PASSWORD}", "${DB_PASSWORD}post", "$DB_PASSWORD", "${", "}"}) {
            assertEquals(literal, env.resolve("password", literal));
        }
    }

    @Test
    void unsetEmptyAndMalformedReferencesNameTheSetting() {
        assertEquals("settings.password: environment variable NOPE is not set",
                assertThrows(IllegalArgumentException.class, () -> env.resolve("password", "${NOPE}")).getMessage());
        assertEquals("settings.password: environment variable EMPTY is empty",
                assertThrows(IllegalArgumentException.class, () -> env.resolve("password", "${EMPTY}")).getMessage());
        String malformed = assertThrows(IllegalArgumentException.class,
                () -> env.resolve("password", "${my secret}")).getMessage();
        assertEquals("settings.password: has the ${...} form but no valid environment variable name; "
                + "write ${NAME} with letters, digits and _, not starting with a digit", malformed);
        assertFalse(malformed.contains("my secret"));
    }
}

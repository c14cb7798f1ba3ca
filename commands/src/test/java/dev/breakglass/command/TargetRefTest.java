package dev.breakglass.command;

import dev.breakglass.grant.ShippedWords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetRefTest {

    @Test
    void printsAsTyped() {
        assertEquals("orders-db:admin", TargetRef.of("orders-db", "admin").toString());
        assertEquals("orders-db", TargetRef.of("orders-db").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders-db", "orders-db:admin", "a", "9", "A.b_c-d", "db:read-only", "x:y", "0.1:2_3"})
    void parsesWhatItPrints(String text) {
        TargetRef ref = TargetRef.parse(text).orElseThrow();
        assertEquals(text, ref.toString());
        assertEquals(Optional.empty(), TargetRef.problem(text));
    }

    @Test
    void splitsTargetAndRole() {
        assertEquals(new TargetRef("orders-db", Optional.of("admin")), TargetRef.parse("orders-db:admin").orElseThrow());
        assertEquals(new TargetRef("orders-db", Optional.empty()), TargetRef.parse("orders-db").orElseThrow());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {":", "db:", ":admin", "a:b:c", "-db", "_db", ".db", "db:-x", "or ders", "orders/db",
            "ördérs", "\u043Erders", "db\u0000", "db:adm\u00A0in", "\uD800", " db", "db "})
    void refuses(String text) {
        assertEquals(Optional.empty(), TargetRef.parse(text));
        assertTrue(TargetRef.problem(text).isPresent());
    }

    @Test
    void nameLengthBoundary() {
        String longest = "n".repeat(TargetRef.MAX_NAME_LENGTH);
        assertTrue(TargetRef.isValidName(longest));
        assertFalse(TargetRef.isValidName(longest + "n"));
        assertTrue(TargetRef.parse(longest + ":" + longest).isPresent());
        assertTrue(ShippedWords.of(TargetRef.problem(longest + "n").orElseThrow()).contains("64 characters long"));
        assertTrue(ShippedWords.of(TargetRef.problem("db:" + longest + "n").orElseThrow()).startsWith("The role name"));
    }

    @Test
    void validatesItself() {
        assertThrows(IllegalArgumentException.class, () -> TargetRef.of("-x"));
        assertThrows(IllegalArgumentException.class, () -> TargetRef.of("db", ""));
        assertThrows(IllegalArgumentException.class, () -> TargetRef.of("db:admin"));
        assertThrows(NullPointerException.class, () -> new TargetRef(null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new TargetRef("db", null));
    }
}

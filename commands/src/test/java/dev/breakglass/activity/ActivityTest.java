package dev.breakglass.activity;

import dev.breakglass.grant.GrantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivityTest {
    private static final GrantId BG7 = new GrantId(7);
    private static final Instant AT = Instant.parse("2026-12-03T06:00:00Z");

    @Test
    void detailIsMaskedOnConstructionAndActionLowerCased() {
        Activity a = new Activity(BG7, AT, "bg_7", "Statement", "alter role x password 'pw'", "postgres-log",
                Completeness.COMPLETE);
        assertEquals("alter role x password '***'", a.detail());
        assertEquals("statement", a.action());
        assertEquals(a, new Activity(BG7, AT, a.actor(), a.action(), a.detail(), a.source(), a.completeness()),
                "read back from storage it is the same activity");
    }

    @Test
    void nullDetailIsEmpty() {
        assertEquals("", new Activity(BG7, AT, "bg_7", "login", null, "ssh", Completeness.SAMPLED).detail());
    }

    @Test
    void refusesBadFieldsByName() {
        assertEquals("actor must be 1 to 200 characters on one line", assertThrows(IllegalArgumentException.class,
                () -> new Activity(BG7, AT, "a\nb", "login", "", "ssh", Completeness.COMPLETE)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Activity(BG7, AT, " ", "login", "", "ssh", Completeness.COMPLETE));
        assertThrows(IllegalArgumentException.class,
                () -> new Activity(BG7, AT, "x".repeat(201), "login", "", "ssh", Completeness.COMPLETE));
        assertEquals("action must be a letter then letters, digits, -, _ or ., at most 64 characters",
                assertThrows(IllegalArgumentException.class,
                        () -> new Activity(BG7, AT, "a", "1x", "", "ssh", Completeness.COMPLETE)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Activity(BG7, AT, "a", "login", "", "has space", Completeness.COMPLETE));
        assertEquals("detail is 16001 characters; at most 16000", assertThrows(IllegalArgumentException.class,
                () -> new Activity(BG7, AT, "a", "statement", "x".repeat(16_001), "ssh", Completeness.COMPLETE))
                .getMessage());
        assertThrows(NullPointerException.class,
                () -> new Activity(BG7, null, "a", "login", "", "ssh", Completeness.COMPLETE));
    }

    @Test
    void completenessWords() {
        assertEquals("complete", Completeness.COMPLETE.word());
        assertEquals("sampled", Completeness.SAMPLED.word());
    }

    @Test
    void theDigestChangesWithEveryFieldAndIsStable() {
        Activity a = new Activity(BG7, AT, "bg_7", "statement", "select 1", "ingest", Completeness.COMPLETE);
        assertEquals(a.digest(), new Activity(BG7, AT, "bg_7", "statement", "select 1", "ingest",
                Completeness.COMPLETE).digest());
        assertEquals(64, a.digest().length());
        java.util.Set<String> digests = java.util.Set.of(a.digest(),
                new Activity(new GrantId(8), AT, "bg_7", "statement", "select 1", "ingest", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT.plusNanos(1000), "bg_7", "statement", "select 1", "ingest", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT, "bg_8", "statement", "select 1", "ingest", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT, "bg_7", "command", "select 1", "ingest", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT, "bg_7", "statement", "select 2", "ingest", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT, "bg_7", "statement", "select 1", "other", Completeness.COMPLETE).digest(),
                new Activity(BG7, AT, "bg_7", "statement", "select 1", "ingest", Completeness.SAMPLED).digest());
        assertEquals(8, digests.size());
    }
}

package dev.breakglass.port;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.CredentialVault.Reveal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link CredentialVault} must do, whatever keeps the credentials: the JDBC vault on H2 and on PostgreSQL
 * (whose own subclass adds what only a database can show: ciphertext at rest, two processes on one table) and the
 * core tests' in-memory fake. One vault per test class; each test uses grant ids of its own, so tests do not assume
 * an empty vault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CredentialVaultContract {
    private static final AtomicLong IDS = new AtomicLong(1000);

    private CredentialVault vault;

    /** A vault for this class's tests. */
    protected abstract CredentialVault openVault();

    /** How many reveals the vault holds counted for {@code grant} (read behind the port, as a witness). */
    protected abstract int reveals(GrantId grant);

    /** Releases what {@link #openVault()} made; called once, after the class's tests. */
    protected void closeVault() {
    }

    @BeforeAll
    void open() {
        vault = openVault();
    }

    @AfterAll
    void close() {
        if (vault != null) {
            closeVault();
        }
    }

    /** The vault under test. */
    protected CredentialVault vault() {
        return vault;
    }

    /** A grant id no other test of this run uses. */
    protected static GrantId newGrant() {
        return new GrantId(IDS.incrementAndGet());
    }

    /** Credentials with three fields, in order. */
    protected static Credentials credentials() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("user", "bg_alice_7");
        fields.put("password", "s3cr3t-Pa55word-xyzzy");
        fields.put("connection", "postgresql://bg_alice_7@orders-db.internal:5432/orders?sslmode=require");
        return new Credentials(fields);
    }

    /** The credentials of a reveal that must have succeeded. */
    protected static Credentials revealed(Reveal reveal) {
        return assertInstanceOf(Reveal.Revealed.class, reveal).credentials();
    }

    @Test
    void sealThenRevealGivesBackEveryFieldInOrder() {
        GrantId grant = newGrant();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("zeta", "last letter first");
        fields.put("Пароль", "пароль-🔑-密码");
        fields.put("empty", "");
        fields.put("multi\nline label", "line 1\nline 2\r\n\ttabbed \"quoted\" \\ back\u0000nul");
        fields.put("alpha", "a".repeat(5000));
        vault().seal(grant, new Credentials(fields));
        Credentials out = revealed(vault().reveal(grant, 1));
        assertEquals(fields, out.fields());
        assertEquals(List.copyOf(fields.keySet()), List.copyOf(out.fields().keySet()), "display order kept");
    }

    @Test
    void limitOfOneRevealsOnceThenExhausted() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        Reveal first = vault().reveal(grant, 1);
        assertEquals(new Reveal.Revealed(credentials(), 0), first);
        assertEquals(new Reveal.Exhausted(1), vault().reveal(grant, 1));
        assertEquals(new Reveal.Exhausted(1), vault().reveal(grant, 1), "stays exhausted");
    }

    @Test
    void limitOfThreeCountsDown() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        assertEquals(2, assertInstanceOf(Reveal.Revealed.class, vault().reveal(grant, 3)).remaining());
        assertEquals(1, assertInstanceOf(Reveal.Revealed.class, vault().reveal(grant, 3)).remaining());
        assertEquals(0, assertInstanceOf(Reveal.Revealed.class, vault().reveal(grant, 3)).remaining());
        assertEquals(new Reveal.Exhausted(3), vault().reveal(grant, 3));
        assertEquals(3, reveals(grant), "an exhausted attempt is not counted");
    }

    @Test
    void aLimitLoweredAfterRevealsIsExhausted() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        revealed(vault().reveal(grant, 3));
        revealed(vault().reveal(grant, 3));
        assertEquals(new Reveal.Exhausted(1), vault().reveal(grant, 1));
        assertEquals(0, assertInstanceOf(Reveal.Revealed.class, vault().reveal(grant, 3)).remaining());
    }

    @Test
    void aRevealGivenBackCanBeTakenAgainAndTheCountNeverGoesBelowZero() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        revealed(vault().reveal(grant, 1));
        vault().giveBack(grant);
        assertEquals(0, reveals(grant));
        assertEquals(new Reveal.Revealed(credentials(), 0), vault().reveal(grant, 1), "the reveal is there again");
        assertEquals(new Reveal.Exhausted(1), vault().reveal(grant, 1));
        vault().giveBack(grant);
        vault().giveBack(grant);
        assertEquals(0, reveals(grant), "not below zero");
        vault().destroy(grant);
        vault().giveBack(grant);
        vault().giveBack(newGrant());
        assertEquals(new Reveal.Gone(), vault().reveal(grant, 1), "nothing stored stays nothing");
    }

    @Test
    void goneBeforeSeal() {
        assertEquals(new Reveal.Gone(), vault().reveal(newGrant(), 1));
    }

    @Test
    void goneAfterDestroy() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        vault().destroy(grant);
        assertEquals(new Reveal.Gone(), vault().reveal(grant, 1));
    }

    @Test
    void destroyOfNothingIsFineAndRepeatable() {
        GrantId grant = newGrant();
        vault().destroy(grant);
        vault().seal(grant, credentials());
        vault().destroy(grant);
        vault().destroy(grant);
        assertEquals(new Reveal.Gone(), vault().reveal(grant, 1));
    }

    @Test
    void destroyTouchesOnlyItsGrant() {
        GrantId kept = newGrant();
        GrantId destroyed = newGrant();
        vault().seal(kept, credentials());
        vault().seal(destroyed, credentials());
        vault().destroy(destroyed);
        assertEquals(credentials(), revealed(vault().reveal(kept, 1)));
    }

    @Test
    void sealReplacesTheCredentialsAndResetsTheCount() {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        revealed(vault().reveal(grant, 1));
        Credentials rotated = new Credentials(Map.of("password", "rotated-value"));
        vault().seal(grant, rotated);
        assertEquals(new Reveal.Revealed(rotated, 0), vault().reveal(grant, 1));
    }

    @Test
    void concurrentRevealsWithLimitOneRevealExactlyOnce() throws Exception {
        GrantId grant = newGrant();
        vault().seal(grant, credentials());
        int clicks = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clicks);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Reveal>> results = new ArrayList<>();
            for (int i = 0; i < clicks; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return vault().reveal(grant, 1);
                }));
            }
            start.countDown();
            int revealedCount = 0;
            for (Future<Reveal> r : results) {
                Reveal reveal = r.get();
                if (reveal instanceof Reveal.Revealed) {
                    revealedCount++;
                } else {
                    assertEquals(new Reveal.Exhausted(1), reveal);
                }
            }
            assertEquals(1, revealedCount);
            assertEquals(1, reveals(grant));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSealsOfANewGrantAllSucceedAndOneWins() throws Exception {
        GrantId grant = newGrant();
        int writers = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Credentials mine = new Credentials(Map.of("password", "writer-" + i));
                results.add(pool.submit(() -> {
                    start.await();
                    vault().seal(grant, mine);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> r : results) {
                r.get();
            }
            String password = revealed(vault().reveal(grant, 1)).fields().get("password");
            assertTrue(password.startsWith("writer-"), password);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        GrantId grant = newGrant();
        assertThrows(IllegalArgumentException.class, () -> vault().reveal(grant, 0));
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("password", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> vault().seal(grant, new Credentials(withNull)));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
        assertEquals(new Reveal.Gone(), vault().reveal(grant, 1), "nothing stored");
    }
}

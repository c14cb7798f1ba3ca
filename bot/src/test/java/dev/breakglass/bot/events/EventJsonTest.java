package dev.breakglass.bot.events;

import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of event survives the outbox: written as JSON and read back equal, with the grant in full. */
class EventJsonTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    /** A grant with every optional part filled: role, incident, approvals, extension, revocation, post-mortem. */
    static Grant fullGrant() {
        Grant g = Grant.pending(new GrantId(42), new NewGrant("U0ALICE", "orders-db", Optional.of("admin"),
                Duration.ofMinutes(30), "orders replica <!channel> is down", Optional.of("INC-7"), 1, T0));
        g = g.approvedBy("U0BOB", T0.plusSeconds(5)).provisioningStarted(T0.plusSeconds(6), T0.plusSeconds(126))
                .activated("{\"role\":\"bg_42\"}", T0.plusSeconds(7)).warned(T0.plusSeconds(60))
                .extensionRequested(Duration.ofMinutes(15), "still restoring", T0.plusSeconds(70))
                .revocationClaimed(Optional.of("U0CAROL"), Optional.of("done early"), T0.plusSeconds(80),
                        T0.plusSeconds(200))
                .revocationFailed("connection refused", T0.plusSeconds(90), T0.plusSeconds(81))
                .revocationSucceeded(T0.plusSeconds(95))
                .postMortemOpened(T0.plusSeconds(96), Optional.of(T0.plusSeconds(3600)));
        Map<ReviewQuestion, String> answers = new EnumMap<>(ReviewQuestion.class);
        for (ReviewQuestion q : ReviewQuestion.values()) {
            answers.put(q, "answer to " + q.key());
        }
        return g.reviewWritten(new Review("U0ALICE", T0.plusSeconds(200), answers)).savedAs(9);
    }

    /** One event of {@code kind}, every field filled with a value that is not its default. */
    static GrantEvent sample(Class<?> kind, Grant grant) throws ReflectiveOperationException {
        RecordComponent[] parts = kind.getRecordComponents();
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Class<?> type = parts[i].getType();
            if (type == Grant.class) {
                values[i] = grant;
            } else if (type == String.class) {
                values[i] = "U0BOB said <@U0EVE> & more";
            } else if (type == int.class) {
                values[i] = 3;
            } else if (type == boolean.class) {
                values[i] = true;
            } else if (type == Duration.class) {
                values[i] = Duration.ofMillis(1500);
            } else if (type == Actor.class) {
                values[i] = Actor.person("U0DAVE");
            } else if (type == Instant.class) {
                values[i] = T0.plusMillis(123);
            } else if (type == Optional.class && ((ParameterizedType) parts[i].getGenericType())
                    .getActualTypeArguments()[0] == String.class) {
                values[i] = Optional.of("3f2a9c");
            } else {
                throw new AssertionError("no sample value for " + type + " in " + kind.getSimpleName());
            }
        }
        return (GrantEvent) kind.getDeclaredConstructor(Arrays.stream(parts).map(RecordComponent::getType)
                .toArray(Class[]::new)).newInstance(values);
    }

    @Test
    void everyKindOfEventReadsBackEqual() throws Exception {
        Grant grant = fullGrant();
        Class<?>[] kinds = GrantEvent.class.getPermittedSubclasses();
        assertTrue(kinds.length >= 27, "all kinds found: " + kinds.length);
        for (Class<?> kind : kinds) {
            GrantEvent event = sample(kind, grant);
            String json = EventJson.write(event);
            assertTrue(json.contains("\"type\":\"" + kind.getSimpleName() + "\""), json);
            assertEquals(event, EventJson.read(json), kind.getSimpleName());
        }
    }

    @Test
    void anEmptyGrantReadsBackEqualToo() throws Exception {
        Grant pending = Grant.pending(new GrantId(1), new NewGrant("U0ALICE", "orders-db", Optional.empty(),
                Duration.ofMinutes(5), "restore", Optional.empty(), 2, T0));
        GrantEvent event = new GrantEvent.Requested(pending, Actor.person("U0ALICE"));
        assertEquals(event, EventJson.read(EventJson.write(event)));
    }

    @Test
    void theBotAsActorReadsBackEqual() throws Exception {
        GrantEvent event = new GrantEvent.Revoked(fullGrant(), Actor.bot("sweep"));
        String json = EventJson.write(event);
        assertTrue(json.contains("\"by\":{\"type\":\"Bot\",\"why\":\"sweep\"}"), json);
        assertEquals(event, EventJson.read(json));
    }

    /**
     * Events stored before events carried their actor read as they were told then: what only a requester does is
     * theirs, an early revoke is the revoker's recorded in the grant (U0CAROL in {@link #fullGrant()}). Events that
     * name their person, or that only the bot causes, had their actor all along.
     */
    @Test
    void anEventStoredWithoutItsActorReadsAsBefore() throws Exception {
        Grant grant = fullGrant();
        for (Class<?> kind : GrantEvent.class.getPermittedSubclasses()) {
            GrantEvent event = sample(kind, grant);
            String legacy = EventJson.write(event).replaceFirst(",?\"by\":\\{[^}]*\\}", "");
            assertFalse(legacy.contains("\"by\":{"), legacy);
            Actor expected = switch (event) {
                case GrantEvent.Revoked e -> Actor.person("U0CAROL");
                case GrantEvent.Requested e -> Actor.person("U0ALICE");
                case GrantEvent.Cancelled e -> Actor.person("U0ALICE");
                case GrantEvent.GlassBroken e -> Actor.person("U0ALICE");
                case GrantEvent.ExtensionRequested e -> Actor.person("U0ALICE");
                case GrantEvent.ReviewWritten e -> Actor.person("U0ALICE");
                default -> event.actor();
            };
            assertEquals(expected, EventJson.read(legacy).actor(), kind.getSimpleName());
        }
    }

    @Test
    void fieldsFromANewerReleaseAreIgnoredAndAnUnknownKindIsAnError() throws Exception {
        GrantEvent event = new GrantEvent.Cancelled(fullGrant(), Actor.person("U0ALICE"));
        String json = EventJson.write(event);
        assertEquals(event, EventJson.read(json.replaceFirst("\\{", "{\"added_later\":1,")));
        assertThrows(Exception.class, () -> EventJson.read(json.replace("\"Cancelled\"", "\"Teleported\"")));
        assertFalse(json.contains("password"), json);
    }
}

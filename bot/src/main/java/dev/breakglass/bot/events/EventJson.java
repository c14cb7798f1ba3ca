package dev.breakglass.bot.events;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.breakglass.event.Actor;
import dev.breakglass.event.GrantEvent;

import java.util.Arrays;

/**
 * A {@link GrantEvent} as stored in the outbox: JSON of the record, its kind under {@code "type"} (the record's
 * simple name), the grant in full as the change saved it. Records are read back through their canonical
 * constructors, so the core's checks run again on the way in.
 *
 * <p>Edge cases: fields a newer release added are ignored by an older one (replicas of two releases share one
 * outbox during a rolling upgrade); a kind this release does not know is an error for that delivery, which then
 * waits, rather than a silent drop. Every subtype of the sealed {@link GrantEvent} is registered from
 * {@link Class#getPermittedSubclasses()}, so a new event needs nothing here. The grant's handle is in it, as in the
 * {@code grants} table; credentials never are (events do not carry them). An event's {@link Actor}, where it is a
 * component ({@code "by"}), is written with its kind under {@code "type"} too ({@code Person} or {@code Bot}); an
 * event stored before events carried their actor reads with none, and the record fills in the one it told before.
 */
final class EventJson {
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface Typed {
    }

    private static final ObjectMapper JSON = JsonMappers.standard().rebuild()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .addMixIn(GrantEvent.class, Typed.class)
            .addMixIn(Actor.class, Typed.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static {
        for (Class<?> sealed : new Class<?>[] {GrantEvent.class, Actor.class}) {
            JSON.registerSubtypes(Arrays.stream(sealed.getPermittedSubclasses())
                    .map(type -> new NamedType(type, type.getSimpleName())).toArray(NamedType[]::new));
        }
    }

    private EventJson() {
    }

    static String write(GrantEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write " + event.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** @throws JsonProcessingException when the text is not an event this release knows */
    static GrantEvent read(String json) throws JsonProcessingException {
        return JSON.readValue(json, GrantEvent.class);
    }
}

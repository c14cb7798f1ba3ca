package dev.breakglass.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmergencyPolicyTest {

    @Test
    void keepsValues() {
        EmergencyPolicy e = new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30));
        assertEquals(Duration.ofMinutes(10), e.after());
        assertEquals(Duration.ofMinutes(30), e.maxDuration());
    }

    @Test
    void afterIsRequiredAndPositive() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new EmergencyPolicy(null, Duration.ofMinutes(30)));
        assertEquals(List.of("after"), e.field());
        assertEquals("after is missing", e.getMessage());
        e = assertThrows(InvalidPolicyException.class, () -> new EmergencyPolicy(Duration.ZERO, Duration.ofMinutes(30)));
        assertEquals("after must be longer than zero", e.getMessage());
    }

    @Test
    void maxDurationIsRequiredAndPositive() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
                () -> new EmergencyPolicy(Duration.ofMinutes(10), null));
        assertEquals(List.of("max-duration"), e.field());
        e = assertThrows(InvalidPolicyException.class,
                () -> new EmergencyPolicy(Duration.ofMinutes(10), Duration.ofMinutes(-1)));
        assertEquals("max-duration must be longer than zero", e.getMessage());
    }
}

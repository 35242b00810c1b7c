package dev.chorus.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviorTest {

    @Test
    void defaults() {
        Behavior d = Behavior.DEFAULT;
        assertEquals(0, d.port());
        assertEquals(Duration.ZERO, d.latency());
        assertEquals(0.0, d.failRate());
        assertEquals(List.of(Fault.RATE_LIMIT_429, Fault.SERVER_500, Fault.UNAVAILABLE_503), d.faults());
        assertEquals(Duration.ofSeconds(1), d.retryAfter());
        assertEquals(Duration.ofHours(1), d.tokenLifetime());
        assertEquals("sandbox-key-id", d.keyId());
        assertEquals("sandbox-secret", d.secret());
        assertTrue(d.requireAuth());
        assertEquals(Duration.ofSeconds(120), d.hangLimit());
        assertEquals(d, d.toBuilder().build());
    }

    @Test
    void faultsAreSortedAndDeduplicated() {
        Behavior b = Behavior.builder().faults(Fault.DROP_CONNECTION, Fault.RATE_LIMIT_429, Fault.DROP_CONNECTION).build();
        assertEquals(List.of(Fault.RATE_LIMIT_429, Fault.DROP_CONNECTION), b.faults());
    }

    @Test
    void invalidValuesAreRejectedWithTheirName() {
        assertEquals("port must be in 0..65535, was -1",
                assertThrows(IllegalArgumentException.class, () -> Behavior.builder().port(-1).build()).getMessage());
        assertEquals("failRate must be in [0, 1], was 1.5",
                assertThrows(IllegalArgumentException.class, () -> Behavior.builder().failRate(1.5).build()).getMessage());
        assertEquals("failRate must be in [0, 1], was NaN",
                assertThrows(IllegalArgumentException.class, () -> Behavior.builder().failRate(Double.NaN).build()).getMessage());
        assertEquals("latency must not be negative, was PT-1S", assertThrows(IllegalArgumentException.class,
                () -> Behavior.builder().latency(Duration.ofSeconds(-1)).build()).getMessage());
        assertEquals("faults must name at least one fault kind",
                assertThrows(IllegalArgumentException.class, () -> Behavior.builder().faults().build()).getMessage());
        assertEquals("secret must not be empty",
                assertThrows(IllegalArgumentException.class, () -> Behavior.builder().credentials("k", "").build()).getMessage());
    }

    @Test
    void toStringHidesTheSecret() {
        String s = Behavior.builder().credentials("visible-id", "hidden-value").build().toString();
        assertTrue(s.contains("visible-id"));
        assertTrue(s.contains("secret=***"));
        assertFalse(s.contains("hidden-value"));
    }

    @Test
    void faultNames() {
        assertEquals(Fault.RATE_LIMIT_429, Fault.parse("429"));
        assertEquals(Fault.MALFORMED_JSON, Fault.parse(" Malformed "));
        assertEquals(Fault.DROP_CONNECTION, Fault.parse("drop_connection"));
        assertEquals("unknown fault 'x' (expected one of 429, 500, 503, hang, malformed, drop, invalid-json)",
                assertThrows(IllegalArgumentException.class, () -> Fault.parse("x")).getMessage());
    }
}

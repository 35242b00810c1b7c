package dev.chorus.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrawTest {

    @Test
    void noFaultsAndFixedDelayByDefault() {
        Behavior b = Behavior.builder().latency(Duration.ofMillis(40)).build();
        for (long i = 0; i < 100; i++) {
            Draw d = Draw.of(b, i);
            assertNull(d.fault());
            assertEquals(Duration.ofMillis(40), d.delay());
        }
    }

    @Test
    void jitterStaysWithinBoundsAndDelayNeverNegative() {
        Behavior b = Behavior.builder().latency(Duration.ofMillis(10)).jitter(Duration.ofMillis(30)).build();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long i = 0; i < 2000; i++) {
            long n = Draw.of(b, i).delayNanos();
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        assertEquals(0, min);
        assertTrue(max <= 40_000_000L && max > 30_000_000L, "max " + max);
    }

    @Test
    void kindsAreDrawnFromTheChosenFaults() {
        Behavior b = Behavior.builder().failRate(1).faults(Fault.HANG, Fault.MALFORMED_JSON).seed(3).build();
        Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
        for (long i = 0; i < 1000; i++) {
            seen.merge(Draw.of(b, i).fault(), 1, Integer::sum);
        }
        assertEquals(2, seen.size());
        assertTrue(seen.get(Fault.HANG) > 400 && seen.get(Fault.MALFORMED_JSON) > 400, seen.toString());
    }

    @Test
    void sameSeedAndOrdinalSameDraw() {
        Behavior b = Behavior.builder().failRate(0.5).jitter(Duration.ofMillis(5)).seed(11).build();
        for (long i = 0; i < 100; i++) {
            assertEquals(Draw.of(b, i), Draw.of(b, i));
        }
    }
}

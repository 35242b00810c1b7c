package dev.chorus.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void parsesUnits() {
        assertEquals(Duration.ofMillis(250), DurationText.parse("250ms"));
        assertEquals(Duration.ofMillis(250), DurationText.parse("250MS"));
        assertEquals(Duration.ofMillis(1500), DurationText.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), DurationText.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationText.parse(" 1h "));
        assertEquals(Duration.ofDays(7), DurationText.parse("7d"));
        assertEquals(Duration.ZERO, DurationText.parse("0"));
    }

    @Test
    void rejectsOtherText() {
        assertEquals("'-5ms' is not a duration (expected e.g. 250ms, 1.5s, 2m)",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("-5ms")).getMessage());
        assertEquals("'5 days' is not a duration (expected e.g. 250ms, 1.5s, 2m)",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("5 days")).getMessage());
        // 250 what? One syntax for the command line, the header and the magics: the unit is part of it.
        assertEquals("'250' is not a duration (expected e.g. 250ms, 1.5s, 2m)",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("250")).getMessage());
    }
}

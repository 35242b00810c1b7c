package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void ofCapturesAValueOrAnException() {
        Outcome<String> ok = Outcome.of(() -> "v");
        assertTrue(ok.succeeded());
        assertEquals("v", ok.orElse("fallback"));
        assertEquals("v", ok.orElseThrow());
        assertNull(ok.errorOrNull());

        IOException down = new IOException("down");
        Outcome<String> failed = Outcome.of(() -> {
            throw down;
        });
        assertFalse(failed.succeeded());
        assertEquals("fallback", failed.orElse("fallback"));
        assertSame(down, failed.errorOrNull());
        CompletionException wrapped = assertThrows(CompletionException.class, failed::orElseThrow);
        assertSame(down, wrapped.getCause());
    }

    @Test
    void uncheckedFailuresAreRethrownAsTheyAre() {
        IllegalStateException bad = new IllegalStateException("bad");
        assertSame(bad, assertThrows(IllegalStateException.class, () -> new Outcome.Failure<String>(bad).orElseThrow()));
    }

    @Test
    void aFailureNeedsAnError() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> new Outcome.Failure<String>(null));
        assertEquals("error", e.getMessage());
        assertInstanceOf(Outcome.Success.class, new Outcome.Success<>(null));
    }
}

package dev.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class TransportTest {
    private static final InstantSource NOW = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    private static Response withHeader(String name, String value) {
        return new Response.Builder().request(new Request.Builder().url("http://127.0.0.1/").build())
                .protocol(Protocol.HTTP_1_1).code(429).message("x").header(name, value).build();
    }

    @Test
    void backoffIsFullJitterUnderAnExponentialCeilingCappedAtEightSeconds() {
        for (int retry = 1; retry <= 10; retry++) {
            long ceiling = Math.min(8000, 500L << (retry - 1));
            for (int i = 0; i < 200; i++) {
                long ms = Transport.backoff(retry, null).toMillis();
                assertTrue(ms >= 0 && ms <= ceiling, "retry " + retry + ": " + ms);
            }
        }
    }

    @Test
    void retryAfterIsHonouredUpToSixtySeconds() {
        assertEquals(Duration.ofSeconds(2), Transport.backoff(1, Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(60), Transport.backoff(1, Duration.ofMinutes(5)));
    }

    @Test
    void parsesRetryAfterForms() {
        assertEquals(Duration.ofMillis(1500), Transport.retryAfter(withHeader("Retry-After", "1.5"), NOW));
        assertEquals(Duration.ofMillis(250), Transport.retryAfter(withHeader("retry-after-ms", "250"), NOW));
        assertEquals(Duration.ofSeconds(30),
                Transport.retryAfter(withHeader("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT"), NOW));
        assertEquals(Duration.ZERO,
                Transport.retryAfter(withHeader("Retry-After", "Wed, 31 Dec 2025 23:00:00 GMT"), NOW));
        assertNull(Transport.retryAfter(withHeader("Retry-After", "soon"), NOW));
        assertNull(Transport.retryAfter(withHeader("X-Other", "1"), NOW));
    }

    @Test
    void masksSecrets() {
        assertEquals("ab…9f", Secrets.mask("ab0123456789f9f"));
        assertEquals("…", Secrets.mask("short"));
    }
}

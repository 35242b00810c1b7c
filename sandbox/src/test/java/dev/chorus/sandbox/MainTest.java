package dev.chorus.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void parsesEveryOption() {
        Behavior b = Main.parse("--port", "8123", "--latency", "100ms", "--jitter=20ms", "--chunk-delay", "5ms",
                "--fail-rate", "0.1", "--faults", "429,hang,drop", "--retry-after", "2s", "--seed", "9",
                "--token-lifetime", "60s", "--key-id", "k", "--secret", "s", "--hang-limit", "1m", "--no-auth");
        assertEquals(8123, b.port());
        assertEquals(Duration.ofMillis(100), b.latency());
        assertEquals(Duration.ofMillis(20), b.jitter());
        assertEquals(Duration.ofMillis(5), b.chunkDelay());
        assertEquals(0.1, b.failRate());
        assertEquals(List.of(Fault.RATE_LIMIT_429, Fault.HANG, Fault.DROP_CONNECTION), b.faults());
        assertEquals(Duration.ofSeconds(2), b.retryAfter());
        assertEquals(9, b.seed());
        assertEquals(Duration.ofSeconds(60), b.tokenLifetime());
        assertEquals("k", b.keyId());
        assertEquals("s", b.secret());
        assertEquals(Duration.ofMinutes(1), b.hangLimit());
        assertFalse(b.requireAuth());
        assertEquals(Behavior.DEFAULT, Main.parse());
    }

    static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Main.parse(args)).getMessage();
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        assertEquals("unknown option --prot (did you mean --port?)", error("--prot", "1"));
        assertEquals("unknown option --verbose-mode-on (see --help)", error("--verbose-mode-on"));
        assertEquals("unexpected argument '8080' (options start with --; see --help)", error("8080"));
        assertEquals("--port needs a value", error("--port"));
        assertEquals("--port: 'x' is not an integer in 0..65535", error("--port", "x"));
        assertEquals("--port: '70000' is not an integer in 0..65535", error("--port", "70000"));
        assertEquals("--latency: 'fast' is not a duration (expected e.g. 250ms, 1.5s, 2m)", error("--latency", "fast"));
        assertEquals("--fail-rate: '1.5' is not a number in [0, 1]", error("--fail-rate", "1.5"));
        assertEquals("--faults: unknown fault 'boom' (expected one of 429, 500, 503, hang, malformed, drop, invalid-json)",
                error("--faults", "429,boom"));
        assertEquals("--seed: 'one' is not an integer", error("--seed", "one"));
        assertEquals("--secret must not be empty", error("--secret="));
        for (String m : List.of(error("--prot"), error("--latency", "x"))) {
            assertFalse(m.contains("\n"));
        }
    }

    @Test
    void bannerPrintsUrlsAndCredentials() {
        try (Sandbox sb = Sandbox.start()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Main.banner(sb, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.startsWith("Chorus sandbox listening on " + sb.baseUrl() + "\n"), out);
            assertTrue(out.contains("token URL:   " + sb.tokenUrl()));
            assertTrue(out.contains("key id:      sandbox-key-id"));
            assertTrue(out.contains("secret:      sandbox-secret"));
            assertTrue(out.endsWith("Press Ctrl-C to stop.\n"));
        }
    }

    @Test
    void usageListsEveryOption() {
        for (String o : List.of("--port", "--latency", "--jitter", "--chunk-delay", "--fail-rate", "--faults",
                "--retry-after", "--seed", "--token-lifetime", "--key-id", "--secret", "--hang-limit", "--no-auth")) {
            assertTrue(Main.USAGE.contains(o + " "), o);
        }
    }
}

package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxMagicTest {
    private final Session session = new Session();
    private final SandboxMagic magic = new SandboxMagic(session);

    @AfterEach
    void close() {
        session.close();
    }

    private String text(String... args) {
        return (String) magic.run(List.of(args)).getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void startChangeStatusStop() throws Exception {
        session.env(Map.of());
        assertEquals("sandbox: not running (%sandbox start)", text("status"));
        String started = text("start", "--latency", "20ms", "--jitter", "5ms", "--fail-rate", "0.25", "--seed", "9");
        Sandbox sb = session.sandbox();
        assertEquals("sandbox: running on " + sb.baseUrl() + " · latency 20 ms ± 5 ms · fail rate 0.25 (429,500,503) · seed 9 · 0 requests served",
                started);
        text("start", "--latency", "1s");
        assertSame(sb, session.sandbox(), "a running sandbox changes its behaviour in place");
        assertEquals(Duration.ofSeconds(1), sb.behavior().latency());
        assertEquals(0.0, sb.behavior().failRate());
        assertEquals("sandbox: stopped (" + sb.baseUrl() + ")", text("stop"));
        assertNull(session.sandbox());
        assertEquals("sandbox: not running", text("stop"));
    }

    @Test
    void errors() throws Exception {
        session.env(Map.of());
        assertEquals("Failed to process '%sandbox start --fail-rate 2': --fail-rate expects a number from 0 to 1, got '2'",
                assertThrows(MagicException.class, () -> magic.run(List.of("start", "--fail-rate", "2"))).headline());
        assertEquals("Failed to process '%sandbox start --latency 5': --latency expects a duration like 500ms, 30s or 2m, got '5'",
                assertThrows(MagicException.class, () -> magic.run(List.of("start", "--latency", "5"))).headline());
        assertEquals("Failed to process '%sandbox restart': unknown subcommand 'restart' (start, stop or status)",
                assertThrows(MagicException.class, () -> magic.run(List.of("restart"))).headline());
        assertEquals("Failed to process '%sandbox stop --seed 1': stop takes no options",
                assertThrows(MagicException.class, () -> magic.run(List.of("stop", "--seed", "1"))).headline());
        assertEquals("Failed to process '%sandbox start --lantecy 5ms': unknown option --lantecy (did you mean --latency?)",
                assertThrows(MagicException.class, () -> magic.run(List.of("start", "--lantecy", "5ms"))).headline());
        assertNull(session.sandbox(), "nothing started");
        text("start");
        int port = session.sandbox().port();
        int other = port == 65535 ? 65534 : port + 1;
        assertEquals("Failed to process '%sandbox start --port " + other + "': the sandbox already runs on port " + port
                        + "; %sandbox stop first",
                assertThrows(MagicException.class, () -> magic.run(List.of("start", "--port", String.valueOf(other)))).headline());
    }
}

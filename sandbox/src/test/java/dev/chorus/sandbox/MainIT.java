package dev.chorus.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@link Main} as a separate process, the way {@code chorus sandbox} does. */
class MainIT {

    static Process start(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    @Test
    void servesUntilStoppedAndPrintsItsUrl() throws Exception {
        Process p = start("--port", "0", "--no-auth");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("Chorus sandbox listening on http://127.0.0.1:"), first);
            String base = first.substring("Chorus sandbox listening on ".length());
            HttpResponse<String> r = Wire.post(base + "/chat/completions", Wire.chat("from a process"));
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("Echo: from a process"));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the sandbox process did not stop on SIGTERM");
        }
    }

    @Test
    void badArgumentIsOneLineAndExitStatusTwo() throws Exception {
        Process p = start("--prot", "8080");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("chorus sandbox: unknown option --prot (did you mean --port?)" + System.lineSeparator(), err);
        assertEquals(2, p.exitValue());
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        Process p = start("--help");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(Main.USAGE, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.exitValue());
    }
}

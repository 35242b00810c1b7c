package dev.chorus.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code chorus} command line, in-process. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void kernelspecInstallWritesKernelJson(@TempDir Path prefix) throws Exception {
        assertEquals(0, run("kernelspec", "install", "--prefix", prefix.toString(), "--java", "/opt/java/bin/java"));
        Path dir = prefix.resolve("share/jupyter/kernels/chorus");
        assertEquals("Installed kernelspec chorus in " + dir + "\n", out.toString());
        JsonNode spec = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (Chorus)", spec.get("display_name").asText());
        assertEquals("java", spec.get("language").asText());
        assertEquals("message", spec.get("interrupt_mode").asText());
        List<String> argv = new ArrayList<>();
        spec.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals("/opt/java/bin/java", argv.get(0));
        assertTrue(argv.containsAll(List.of("-XX:+UseG1GC", "-XX:GCTimeRatio=4", "-XX:G1PeriodicGCInterval=30000",
                "-XX:G1HeapRegionSize=1m")), argv.toString());
        assertTrue(argv.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=") && a.endsWith(".jsa")), argv.toString());
        assertEquals(List.of("dev.chorus.kernel.cli.Main", "kernel", "{connection_file}"), argv.subList(argv.size() - 3, argv.size()));
        assertEquals("-cp", argv.get(argv.size() - 5));
    }

    @Test
    void kernelspecName(@TempDir Path prefix) {
        assertEquals(0, run("kernelspec", "install", "--prefix", prefix.toString(), "--name", "chorus-dev"));
        assertTrue(prefix.resolve("share/jupyter/kernels/chorus-dev/kernel.json").toFile().isFile());
        assertEquals(2, run("kernelspec", "install", "--name", "bad name"));
        assertTrue(err.toString().startsWith("chorus: bad kernel name 'bad name' (letters, digits, '.', '_', '-')\n"), err.toString());
    }

    @Test
    void badCommandLinesAreOneLinePlusUsage() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString().startsWith("chorus: unknown command 'frobnicate'\nUsage: chorus COMMAND [ARGS]"), err.toString());
        err.reset();
        assertEquals(2, run("kernelspec", "install", "--prefx", "x"));
        assertTrue(err.toString().startsWith("chorus: unknown option --prefx\n"), err.toString());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("chorus "), out.toString());
        out.reset();
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("kernelspec install [--user|--prefix DIR]"), out.toString());
    }
}

package dev.chorus.kernel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's JVM flags per Java version, and how the installer finds out a java's version. */
class KernelspecTest {

    private static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    @Test
    void java21GetsNoFlagItDoesNotKnow(@TempDir Path dir) throws Exception {
        List<String> flags = Kernelspec.jvmOptions(dir.resolve("a.jsa"), 21);
        assertFalse(flags.contains(UNSAFE), flags.toString());
        assertTrue(flags.containsAll(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "--enable-native-access=ALL-UNNAMED", "-XX:SharedArchiveFile=" + dir.resolve("a.jsa"))), flags.toString());
        assertTrue(flags.stream().noneMatch(f -> f.startsWith("[") || f.startsWith("#")), flags.toString());
    }

    @Test
    void java23AndNewerAllowUnsafeWithoutWarnings(@TempDir Path dir) throws Exception {
        List<String> on22 = Kernelspec.jvmOptions(dir.resolve("a.jsa"), 22);
        assertFalse(on22.contains(UNSAFE), on22.toString());
        for (int feature : new int[] {23, 25}) {
            List<String> flags = Kernelspec.jvmOptions(dir.resolve("a.jsa"), feature);
            assertEquals(on22.size() + 1, flags.size(), flags.toString());
            assertTrue(flags.contains(UNSAFE), flags.toString());
        }
    }

    @Test
    void java22AndNewerHandFreedNativeMemoryBack(@TempDir Path dir) throws Exception {
        String trim = "-XX:TrimNativeHeapInterval=30000";
        assertFalse(Kernelspec.jvmOptions(dir.resolve("a.jsa"), 21).contains(trim));
        assertTrue(Kernelspec.jvmOptions(dir.resolve("a.jsa"), 22).contains(trim));
        assertTrue(Kernelspec.jvmOptions(dir.resolve("a.jsa"), 25).contains(trim));
    }

    @Test
    void theVersionOfThisJvmIsItsOwn() {
        assertEquals(Runtime.version().feature(), Kernelspec.javaFeature(Kernelspec.currentJava()));
    }

    @Test
    void theVersionComesFromTheJavaHomesReleaseFile(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"23.0.2\"\n");
        assertEquals(23, Kernelspec.javaFeature(home.resolve("bin/java").toString()));
    }

    @Test
    void installingKeepsTheNewArchiveAndTheThreeNewestOthers(@TempDir Path cache) throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) {
            Path old = Files.writeString(cache.resolve("chorus-0.1.0-old" + i + ".jsa"), "archive " + i);
            Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(now - i * 60_000L));
        }
        Path current = Files.writeString(cache.resolve("chorus-0.1.0-current.jsa"), "in use");
        Files.setLastModifiedTime(current, java.nio.file.attribute.FileTime.fromMillis(now - 3_600_000L));
        Path other = Files.writeString(cache.resolve("responses.db"), "not an archive");
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.fromMillis(now - 3_600_000L));

        Kernelspec.pruneArchives(cache, current, Kernelspec.KEPT_ARCHIVES);

        try (var left = Files.list(cache)) {
            assertEquals(List.of("chorus-0.1.0-current.jsa", "chorus-0.1.0-old0.jsa", "chorus-0.1.0-old1.jsa",
                    "chorus-0.1.0-old2.jsa", "responses.db"), left.map(f -> f.getFileName().toString()).sorted().toList());
        }
        Kernelspec.pruneArchives(cache.resolve("missing"), current, 0); // nothing to list: nothing happens
    }

    @Test
    void anUnknownJavaIsTakenForTheOldestSupported(@TempDir Path dir) {
        assertEquals(Kernelspec.MIN_JAVA, Kernelspec.javaFeature(dir.resolve("no/bin/java").toString()));
        assertEquals(21, Kernelspec.MIN_JAVA);
    }

    @Test
    void theLauncherRunsWithTheKernelsCollectorFlags(@TempDir Path dir) throws Exception {
        // bin/chorus (chorus run fans out in its own JVM) repeats them; this keeps the two equal.
        Predicate<String> collector = f -> f.matches("-XX:\\+Use\\w+GC")
                || f.startsWith("-XX:GCTimeRatio=") || f.startsWith("-XX:G1");
        List<String> kernel = Kernelspec.jvmOptions(dir.resolve("a.jsa"), 21).stream().filter(collector).toList();
        String exec = Files.readAllLines(Path.of("src/main/dist/bin/chorus")).stream()
                .filter(l -> l.startsWith("exec ")).findFirst().orElseThrow();
        List<String> launcher = List.of(exec.split("\\s+")).stream().filter(collector).toList();
        assertFalse(kernel.isEmpty());
        assertEquals(kernel, launcher);
    }
}

package dev.chorus.kernel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flags written into kernel.json start the java they were chosen for, without a word on stderr. */
class KernelspecIT {

    @Test
    void theKernelFlagsParseOnThisJava(@TempDir Path dir) throws Exception {
        String java = Kernelspec.currentJava();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(Kernelspec.jvmOptions(dir.resolve("k.jsa"), Kernelspec.javaFeature(java)));
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not exit");
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.startsWith("openjdk version") || text.startsWith("java version"), text);
        assertTrue(!text.contains("warning") && !text.contains("Unrecognized"), text);
    }
}

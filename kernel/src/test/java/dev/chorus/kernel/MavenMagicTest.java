package dev.chorus.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code %maven} against Maven Central (downloads once into ~/.m2/repository). */
class MavenMagicTest {

    static final Recorder RECORDER = new Recorder();
    static ChorusKernel kernel;

    @BeforeAll
    static void start() {
        kernel = ChorusKernel.builder().outlet(RECORDER).build();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void resolvesAnArtifactAndCellsUseIt() {
        Execution ex = kernel.execute("%maven org.apache.commons:commons-lang3:3.17.0");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("Added 1 jar to the class path: commons-lang3-3.17.0.jar\n", RECORDER.stdout());
        Execution use = kernel.execute("org.apache.commons.lang3.StringUtils.capitalize(\"chorus\")");
        assertTrue(use.ok(), () -> use.traceback().toString());
        assertEquals("Chorus", use.text().replace("\"", ""));
    }

    @Test
    void unknownArtifactFailsInOneLine() {
        Execution ex = kernel.execute("%maven dev.chorus.nonexistent:nothing-here:0.0.1");
        assertFalse(ex.ok());
        assertEquals("MagicError", ex.error().ename());
        assertTrue(ex.error().evalue().startsWith("Failed to process '%maven dev.chorus.nonexistent:nothing-here:0.0.1': "),
                ex.error().evalue());
        assertTrue(ex.error().evalue().contains("dev.chorus.nonexistent:nothing-here"), ex.error().evalue());
        assertFalse(ex.error().evalue().contains("\n"));
    }
}

package dev.chorus.magics.spi;

/**
 * A kernel that says whether a cell runs. The magics prepare what a first fan-out needs (Tablesaw,
 * the pre-flight's tokenizer) in the background only once no cell has run for a moment, so that
 * preparation never slows a cell; under Run All, where cells follow each other at once, the fan-out
 * does that work itself. A kernel without it gets none of that preparation: the fan-out does it.
 *
 * <p>Threading: called from any thread.
 */
public interface KernelActivity {

    /** Milliseconds since the last cell ended; 0 while a cell runs. */
    long idleMillis();
}

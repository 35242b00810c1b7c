package dev.chorus.kernel.magic;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel's own magics ask of the kernel: the catalogue of magics, running code as the
 * cell, the magic line being run, and adding to the class path. The kernel implements it and hands
 * itself to each built-in magic, so the magics need no kernel class.
 *
 * <p>Threading: called from the cell thread, by a running magic.
 */
public interface MagicHost {

    /** Every magic the kernel knows. */
    MagicCatalogue catalogue();

    /** Runs code (and line magics in it) as if it were the cell; its raw value, null for none. */
    Object evalRaw(String code);

    /** The magic line being run on the calling thread (for magics that take code, as {@code %time}). */
    Optional<MagicLine> currentMagic();

    /** Adds jars or class folders to the notebook's class path and loads the extensions they declare. */
    void addToClasspath(List<Path> paths);
}

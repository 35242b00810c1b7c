/**
 * The Chorus Jupyter extension: the magics {@code %client}, {@code %%prompt}, {@code %%fanout}
 * (and {@code %fanout status|cancel}), {@code %table} and {@code %sandbox}, their Java twins in
 * {@link dev.chorus.magics.Chorus}, and the renderers for Tablesaw tables, fan-out progress,
 * summaries and timelines.
 *
 * <p>Public: {@link dev.chorus.magics.ChorusExtension} (found by a kernel through
 * {@code META-INF/services/org.dflib.jjava.jupyter.Extension}), {@link dev.chorus.magics.Chorus} (the
 * Java twins), {@link dev.chorus.magics.Timeline} (what {@code Chorus.timeline} returns) and
 * {@link dev.chorus.magics.MagicException}; everything else is package-private. What a kernel may
 * use or offer is in {@code dev.chorus.magics.spi}: the magics work on jjava's {@code BaseKernel} API
 * alone (evalRaw, the display stream, the renderer, the magics registry), and use what a kernel
 * implements of the spi (reading and binding variables directly, asking for input).
 *
 * <p>Threading: magics run on the kernel's cell thread; a fan-out runs on the engine's virtual
 * threads and its progress display is updated from the engine's ticker thread; a background
 * fan-out fills its bound table from engine threads. The session (client, sandbox, background
 * fan-out) is one per JVM and is closed when the extension is uninstalled.
 *
 * <p>Failures: every user-facing failure is a {@link dev.chorus.magics.MagicException}: one line
 * quoting the command (secrets masked) and naming the problem, plus the usage for argument errors.
 * Failed requests of a fan-out are rows of its result table, never exceptions.
 */
package dev.chorus.magics;

/**
 * The Chorus Java kernel for Jupyter: {@link dev.chorus.kernel.ChorusKernel} (a jjava
 * {@code BaseKernel}), the {@link dev.chorus.kernel.Notebook} functions cells call, the
 * {@code chorus} command ({@link dev.chorus.kernel.Main}: kernel, headless run, kernelspec install,
 * sandbox) and the cell history.
 *
 * <p>Threads: Jupyter's shell and control threads (jjava), the kernel's cell thread
 * ({@code chorus-cell}, runs magics and hands code to the evaluator's own thread), the output flusher
 * ({@code chorus-output-flusher}, publishes buffered stdout/stderr every 50 ms) and the warm-up thread
 * that starts JShell and loads extensions. Nothing on the control thread blocks: interrupt returns at once.
 */
package dev.chorus.kernel;

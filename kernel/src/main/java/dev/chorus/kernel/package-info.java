/**
 * The Chorus Java kernel for Jupyter, in layers: this package speaks the protocol
 * ({@link dev.chorus.kernel.ChorusKernel}, a jjava {@code BaseKernel}: execute, complete, inspect,
 * history, interrupt, input; its socket threads; where output goes) and holds the
 * {@link dev.chorus.kernel.Notebook} functions cells call; {@code execution} is the JShell side;
 * {@code magic} the kernel's own magics and the catalogue of all; {@code cli} the {@code chorus}
 * command (kernel, headless run, kernelspec install, sandbox).
 *
 * <p>Threads: Jupyter's shell and control threads (jjava), the kernel's cell thread
 * ({@code chorus-cell}, runs magics and hands code to the evaluator's own thread), the output flusher
 * ({@code chorus-output-flusher}, publishes buffered stdout/stderr every 50 ms) and the warm-up thread
 * that starts JShell and loads extensions. Nothing on the control thread blocks: interrupt returns at once.
 */
package dev.chorus.kernel;

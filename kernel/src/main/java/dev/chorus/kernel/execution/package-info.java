/**
 * The JShell side of the Chorus kernel: {@link dev.chorus.kernel.execution.JShellEvaluator}
 * evaluates notebook cells in the kernel's own JVM.
 *
 * <p>Public API: {@code JShellEvaluator}, {@code EvaluatorOptions}, {@code EvalResult} and the two
 * errors notebook code can see ({@code CellInterruptedException}, {@code ExitAttemptException}).
 * {@code CellGuard} and {@code CellContext} are public only because generated notebook code calls
 * them; everything else is package-private.
 *
 * <p>{@code JShellEvaluator} is a small facade over the parts that do the work: {@code NotebookShell}
 * (starts JShell), {@code CellEvaluator} (runs a cell cut into {@code Piece}s, and interrupts it),
 * {@code CellAnalysis} (completion, inspection, completeness) and {@code ShellVariables} (reads and
 * binds variables).
 *
 * <p>How a cell runs: the cell is split into snippets with
 * {@code SourceCodeAnalysis.analyzeCompletion}; each is compiled by JShell and its classes are
 * loaded by one notebook class loader (parent: the kernel's loader) after ASM adds interrupt
 * checks at loop back-edges and method entries and redirects {@code System.exit},
 * {@code Runtime.exit} and {@code Runtime.halt}; the snippet then runs on the evaluator's cell
 * thread, and its real value or exception is kept.
 */
package dev.chorus.kernel.execution;

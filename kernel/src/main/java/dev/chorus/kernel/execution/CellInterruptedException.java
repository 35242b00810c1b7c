package dev.chorus.kernel.execution;

/**
 * Thrown inside notebook code when its cell is interrupted; it is an {@link Error} so that a
 * notebook's {@code catch (Exception e)} cannot swallow it.
 *
 * <p>Thrown on the cell thread by the loop and method-entry checks that {@link JShellEvaluator}
 * adds to notebook classes. The evaluator turns it into {@link EvalResult.Interrupted}.
 */
public final class CellInterruptedException extends Error {
    private static final long serialVersionUID = 1L;

    CellInterruptedException() {
        super("the cell was interrupted", null, false, false);
    }
}

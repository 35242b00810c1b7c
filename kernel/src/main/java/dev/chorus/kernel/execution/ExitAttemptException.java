package dev.chorus.kernel.execution;

/**
 * Thrown in place of {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} when
 * notebook code calls them, so that the kernel's JVM keeps running.
 *
 * <p>It is an {@link Error} so that a notebook's {@code catch (Exception e)} cannot swallow it.
 * The evaluator turns it into {@link EvalResult.ExitAttempt}.
 */
public final class ExitAttemptException extends Error {
    private static final long serialVersionUID = 1L;

    private final int status;

    ExitAttemptException(String call, int status) {
        super(call + "(" + status + ") was called; the kernel keeps running", null, false, false);
        this.status = status;
    }

    /** The status the notebook code passed to exit or halt. */
    public int status() {
        return status;
    }
}

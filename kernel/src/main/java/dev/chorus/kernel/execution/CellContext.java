package dev.chorus.kernel.execution;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Which cell the running code belongs to, so that its output goes under that cell: set on the cell
 * thread, inherited by the threads a cell starts, and carried by the tasks notebook code hands to an
 * executor ({@code execute}, {@code submit}) or to {@code CompletableFuture.runAsync/supplyAsync}:
 * the evaluator wraps those tasks at their call sites in notebook classes, so a pool made in one
 * cell runs each task under the cell that submitted it.
 *
 * <p>Not for use by notebook code. It is public only because instrumented notebook classes, which
 * live in another class loader, call {@link #wrap}. Thread-safe. The value is the kernel's own
 * (a Jupyter message context); null means no cell.
 */
public final class CellContext {
    private static final InheritableThreadLocal<Object> CURRENT = new InheritableThreadLocal<>();

    private CellContext() {
    }

    /** The cell of the calling thread, or null. */
    public static Object current() {
        return CURRENT.get();
    }

    /** Makes {@code cell} the calling thread's cell (and that of the threads it starts from now on). */
    public static void set(Object cell) {
        CURRENT.set(cell);
    }

    /** {@code task}, run under the calling thread's cell wherever it runs. */
    public static Runnable wrap(Runnable task) {
        Object cell = CURRENT.get();
        return task == null || cell == null ? task : () -> under(cell, () -> {
            task.run();
            return null;
        });
    }

    /** {@code task}, run under the calling thread's cell wherever it runs. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Object cell = CURRENT.get();
        return task == null || cell == null ? task : () -> under(cell, task::call);
    }

    /** {@code task}, run under the calling thread's cell wherever it runs. */
    public static <T> Supplier<T> wrap(Supplier<T> task) {
        Object cell = CURRENT.get();
        return task == null || cell == null ? task : () -> under(cell, task::get);
    }

    /** Runs {@code work} with {@code cell} as the thread's cell, then puts the thread's own back. */
    private static <T, E extends Exception> T under(Object cell, Work<T, E> work) throws E {
        Object before = CURRENT.get();
        CURRENT.set(cell);
        try {
            return work.run();
        } finally {
            CURRENT.set(before);
        }
    }

    /** A piece of work that may throw what its caller may throw. */
    @FunctionalInterface
    private interface Work<T, E extends Exception> {
        T run() throws E;
    }
}

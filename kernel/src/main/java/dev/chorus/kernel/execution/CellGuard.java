package dev.chorus.kernel.execution;

import java.util.HashSet;
import java.util.Set;

/**
 * The checks that the evaluator inserts into the bytecode of notebook classes: at every loop
 * back-edge and method entry ({@link #check()}) and in place of calls that would end the JVM.
 *
 * <p>Not for use by notebook code. It is public only because instrumented notebook classes,
 * which live in another class loader, call it. Thread-safe: {@link #check()} costs one volatile
 * read while no cell is being interrupted.
 */
public final class CellGuard {
    private static final Set<Thread> STOPPING = new HashSet<>();
    private static volatile boolean anyStopping;

    private CellGuard() {
    }

    /** Throws {@link CellInterruptedException} when the calling thread's cell was interrupted. */
    public static void check() {
        if (anyStopping && isStopping(Thread.currentThread())) {
            throw new CellInterruptedException();
        }
    }

    /** Replaces {@code System.exit(status)} in notebook code. */
    public static void exit(int status) {
        throw new ExitAttemptException("System.exit", status);
    }

    /** Replaces {@code runtime.exit(status)} in notebook code. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new ExitAttemptException("Runtime.exit", status);
    }

    /** Replaces {@code runtime.halt(status)} in notebook code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ExitAttemptException("Runtime.halt", status);
    }

    private static synchronized boolean isStopping(Thread t) {
        return STOPPING.contains(t);
    }

    static synchronized void stop(Thread t) {
        STOPPING.add(t);
        anyStopping = true;
    }

    static synchronized void release(Thread t) {
        STOPPING.remove(t);
        anyStopping = !STOPPING.isEmpty();
    }
}

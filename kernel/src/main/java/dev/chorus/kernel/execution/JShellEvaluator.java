package dev.chorus.kernel.execution;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Evaluates notebook cells with JShell inside this JVM, so notebook objects are the kernel's and
 * magics' objects; also completes, inspects, checks completeness and reads or binds variables.
 *
 * <p><b>Threading.</b> The evaluator owns one platform thread, {@code chorus-cell-N}. JShell is
 * created on it at {@link #start} (which returns at once), and every cell runs on it:
 * {@link #eval} hands the cell over and blocks the caller until the cell ends. All JShell access
 * (eval, completion, inspection, variables, class path) is serialized by one re-entrant lock, so
 * a background thread calling {@link #bind} while a cell runs waits for the cell to end. Code on
 * the cell thread itself (notebook code, or a magic it calls) may call {@link #get},
 * {@link #variableNames} and {@link #addToClasspath} directly; its {@link #bind} calls are queued
 * and run right after the current cell, because JShell cannot compile while it is evaluating.
 * {@link #interrupt} may be called from any thread.
 *
 * <p><b>Interrupt.</b> The cell thread gets {@link Thread#interrupt()} (ends sleep, blocking I/O,
 * {@code Future.get}, {@code lockInterruptibly}), and every notebook class is instrumented at load
 * time to throw {@link CellInterruptedException} at loop back-edges and method entries of an
 * interrupted cell (ends busy loops). Library code called from the cell is not instrumented.
 *
 * <p><b>Closing.</b> Whoever starts the evaluator closes it; {@link #close} interrupts a running
 * cell, closes JShell and ends the cell thread.
 *
 * <p><b>Failures.</b> Notebook errors never throw: they are {@link EvalResult} values. Methods
 * throw {@link IllegalStateException} when the evaluator is closed or JShell failed to start, and
 * {@link IllegalArgumentException} for a bad {@link #bind} or {@link #get}.
 *
 * <p><b>Parts.</b> The evaluator itself owns the cell thread, the JShell lock and closing, and
 * hands each request to a package-private part: {@code NotebookShell} starts JShell and holds it,
 * {@code CellEvaluator} runs cells and delivers interrupts, {@code CellAnalysis} completes,
 * inspects and checks completeness, and {@code ShellVariables} reads and binds variables.
 */
public final class JShellEvaluator implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long ANALYSIS_WAIT_SECONDS = 5;

    /** Completion candidates that replace {@code code[start, end)}. */
    public record Completion(int start, int end, List<String> candidates) {
        public Completion {
            candidates = List.copyOf(candidates);
        }
    }

    /** The signature(s) of the identifier at the cursor and its Javadoc (empty when unknown). */
    public record Inspection(String signature, String javadoc) {
    }

    /** Whether a cell is ready to run; {@code indent} is the suggested indent when incomplete. */
    public record Completeness(Status status, String indent) {
        public enum Status { COMPLETE, INCOMPLETE, INVALID }
    }

    private final ExecutorService cellExecutor;
    private final Thread cellThread;
    private final Future<?> ready;
    private final ReentrantLock shellLock = new ReentrantLock();
    private final NotebookShell shell;
    private final CellEvaluator cells;
    private final CellAnalysis cellAnalysis;
    private final ShellVariables variables;

    private volatile boolean closed;

    /** An evaluator with {@link EvaluatorOptions#defaults()}; JShell starts in the background. */
    public JShellEvaluator() {
        this(EvaluatorOptions.defaults());
    }

    private JShellEvaluator(EvaluatorOptions options) {
        this.shell = new NotebookShell(options);
        this.cellAnalysis = new CellAnalysis(shell);
        this.variables = new ShellVariables(shell);
        Thread[] holder = new Thread[1];
        this.cellExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chorus-cell-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            holder[0] = t;
            return t;
        });
        // the cell thread exists once the start is submitted, and the start (under the JShell lock)
        // already runs code through the cells' hooks: holding the lock here makes it wait until the
        // cells know their thread
        shellLock.lock();
        try {
            this.ready = cellExecutor.submit(this::startShell);
            this.cellThread = holder[0];
            this.cells = new CellEvaluator(shell, cellThread, this::get, options.warnings());
        } finally {
            shellLock.unlock();
        }
    }

    /**
     * Starts an evaluator and returns at once; JShell is created and warmed up on the cell thread,
     * and the first {@link #eval} waits for that.
     */
    public static JShellEvaluator start(EvaluatorOptions options) {
        return new JShellEvaluator(Objects.requireNonNull(options, "options"));
    }

    // ------------------------------------------------------------------ start

    private void startShell() {
        shellLock.lock();
        try {
            shell.start(cells.hooks());
        } finally {
            shellLock.unlock();
        }
    }

    private void awaitReady() {
        if (closed) {
            throw new IllegalStateException("the evaluator is closed");
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    ready.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ eval

    /**
     * Evaluates a whole cell on the cell thread and blocks until it ends. Snippets run in order
     * and evaluation stops at the first failing one; definitions persist between cells.
     *
     * @throws IllegalStateException when closed, or when called from the cell thread itself
     */
    public EvalResult eval(String cellCode) {
        return eval(cellCode, null);
    }

    /**
     * Like {@link #eval(String)}, naming the cell for later stack traces: frames of code defined
     * in this cell show as {@code cell <label>, line N} when it fails in another cell. The label is
     * typically the Jupyter execution count; without one, cells are numbered 1, 2, 3... in the
     * order they are evaluated.
     */
    public EvalResult eval(String cellCode, String cellLabel) {
        Objects.requireNonNull(cellCode, "cellCode");
        if (Thread.currentThread() == cellThread) {
            throw new IllegalStateException("eval cannot be called from code running in a cell: JShell is not re-entrant");
        }
        awaitReady();
        Future<EvalResult> result;
        // The code runs on this evaluator's thread, under the caller's cell: what it prints, the
        // threads it starts and the tasks it submits belong to that cell.
        Object cell = CellContext.current();
        try {
            result = cellExecutor.submit(() -> {
                CellContext.set(cell);
                try {
                    return runCell(cellCode, cellLabel);
                } finally {
                    CellContext.set(null);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the evaluator is closed", e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // the caller was interrupted: pass it on to the cell, then wait for the cell to stop
                    interrupted = true;
                    interrupt();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the evaluator failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private EvalResult runCell(String code, String label) {
        shellLock.lock();
        try {
            return cells.run(code, label);
        } finally {
            shellLock.unlock();
        }
    }

    // ------------------------------------------------------------------ interrupt

    /**
     * Stops the running cell, if any: interrupts the cell thread while notebook code runs and makes
     * notebook loops and method calls throw {@link CellInterruptedException}. Returns at once; the
     * cell's {@link #eval} returns {@link EvalResult.Interrupted}. Safe from any thread.
     */
    public void interrupt() {
        cells.interrupt();
    }

    // ------------------------------------------------------------------ class path

    /** Adds jars or class folders to the notebook's compiler and class loader. */
    public void addToClasspath(List<Path> entries) {
        withShell(() -> {
            shell.addToClasspath(entries);
            return null;
        });
    }

    private <T> T withShell(Supplier<T> action) {
        awaitReady();
        shellLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the evaluator is closed");
            }
            return action.get();
        } finally {
            shellLock.unlock();
        }
    }

    /** Like {@link #withShell} but gives up after a few seconds, for requests a UI may repeat. */
    private <T> Optional<T> withShellBriefly(Supplier<T> action) {
        awaitReady();
        boolean locked = false;
        try {
            locked = shellLock.tryLock(ANALYSIS_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            return Optional.empty();
        }
        try {
            if (closed) {
                throw new IllegalStateException("the evaluator is closed");
            }
            return Optional.ofNullable(action.get());
        } finally {
            shellLock.unlock();
        }
    }

    // ------------------------------------------------------------------ completion, inspection, completeness

    /**
     * Completion candidates at {@code cursor}, computed on the snippet of the cell that holds the
     * cursor. Returns no candidates when a cell keeps JShell busy for more than a few seconds.
     */
    public Completion complete(String code, int cursor) {
        int at = Math.max(0, Math.min(cursor, code.length()));
        return withShellBriefly(() -> cellAnalysis.complete(code, at)).orElse(new Completion(at, at, List.of()));
    }

    /**
     * The signature(s) and Javadoc of the identifier at or right before {@code cursor}
     * ({@code Math.max|}). Javadoc is empty when the JDK has no sources to read it from.
     */
    public Optional<Inspection> inspect(String code, int cursor) {
        int at = Math.max(0, Math.min(cursor, code.length()));
        return withShellBriefly(() -> cellAnalysis.inspect(code, at));
    }

    /**
     * Whether the cell can run as typed: INCOMPLETE (with an indent) when a statement is still
     * open, INVALID when a snippet can never parse (for example {@code int 3x = 1;}), checked by
     * javac's parser without executing anything. While a cell keeps JShell busy for more than a
     * few seconds the answer is COMPLETE, so a front end never blocks on it.
     */
    public Completeness isComplete(String code) {
        return withShellBriefly(() -> cellAnalysis.isComplete(code))
                .orElse(new Completeness(Completeness.Status.COMPLETE, ""));
    }

    // ------------------------------------------------------------------ variables

    /**
     * The value of a notebook variable (the real object; boxed for primitives). Callable from the
     * cell thread while a cell runs.
     *
     * @throws IllegalArgumentException when no such variable is defined
     */
    public Object get(String name) {
        return withShell(() -> variables.get(name));
    }

    /** The names of the notebook's variables, in order of definition, without JShell's {@code $1} temporaries. */
    public List<String> variableNames() {
        return withShell(variables::names);
    }

    /**
     * Declares (or redeclares) notebook variable {@code name} of static type {@code typeName}
     * holding exactly {@code value}. From a background thread while a cell runs, waits for the cell;
     * from the cell thread itself (notebook code calling a magic), the binding is queued and runs
     * right after the current cell, and failures go to the options' warnings.
     *
     * @param typeName a Java type visible to notebook code, e.g. {@code "Table"} or
     *                 {@code "java.util.List<String>"}; null means the value's public class, else Object
     * @throws IllegalArgumentException when the declaration does not compile or the value does not fit
     */
    public void bind(String name, String typeName, Object value) {
        Objects.requireNonNull(name, "name");
        if (!ShellVariables.isIdentifier(name)) {
            throw new IllegalArgumentException("not a Java variable name: '" + name + "'");
        }
        String type = typeName != null ? typeName : ShellVariables.typeNameOf(value);
        if (cells.runAfterCell(() -> variables.bind(name, type, value))) {
            return;
        }
        withShell(() -> {
            variables.bind(name, type, value);
            return null;
        });
    }

    // ------------------------------------------------------------------ close

    /** Interrupts a running cell, closes JShell and ends the cell thread. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        interrupt();
        closed = true;
        cellExecutor.execute(() -> {
            shellLock.lock();
            try {
                shell.close();
            } finally {
                shellLock.unlock();
            }
        });
        cellExecutor.shutdown();
        if (Thread.currentThread() == cellThread) {
            // closed by notebook code: the thread ends once the current cell returns
            return;
        }
        try {
            if (!cellExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                cellExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            cellExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "JShellEvaluator[" + cellThread.getName() + (closed ? ", closed" : "") + "]";
    }
}

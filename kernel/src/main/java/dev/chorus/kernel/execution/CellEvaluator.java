package dev.chorus.kernel.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.VarSnippet;

/**
 * Runs one cell at a time: cuts it into snippets, has JShell evaluate them in order, and turns
 * what JShell reports into an {@link EvalResult} (a value, no value, a compile or run-time error,
 * an interrupt or an exit attempt). It also knows whether notebook code is running on the cell
 * thread, so that an interrupt reaches notebook code only, and it runs what notebook code asked to
 * run once its cell ends (a bind from a magic).
 *
 * <p>Threading: {@link #run} runs on the cell thread under the evaluator's JShell lock, which
 * guards the cell count. {@link #interrupt} and {@link #runAfterCell} may be called from any
 * thread: the interrupt state has a lock of its own, held only briefly, so an interrupt never
 * waits for the running cell. The {@linkplain #hooks hooks} run on whatever thread JShell runs
 * notebook code on, and act only on the cell thread.
 */
final class CellEvaluator {
    private final NotebookShell shell;
    private final Thread cellThread;
    /** The value of a notebook variable, read as {@link JShellEvaluator#get} reads it. */
    private final Function<String, Object> variableValue;
    private final Consumer<String> warnings;
    private final Object interruptLock = new Object();
    private final Queue<Runnable> afterCell = new ConcurrentLinkedQueue<>();
    /** Where each snippet came from, by snippet id: the eval call that ran it, the cell's label and the snippet's first line. */
    private final Map<String, ErrorText.Origin> origins = new ConcurrentHashMap<>();
    private final ErrorText errors;

    // guarded by the evaluator's JShell lock
    private int evalCount;

    // guarded by interruptLock
    private boolean cellRunning;
    private boolean inNotebookCode;
    private boolean interruptRequested;

    CellEvaluator(NotebookShell shell, Thread cellThread, Function<String, Object> variableValue,
            Consumer<String> warnings) {
        this.shell = shell;
        this.cellThread = cellThread;
        this.variableValue = variableValue;
        this.warnings = warnings;
        this.errors = new ErrorText(shell::jshell, origins);
    }

    /**
     * Evaluates a whole cell, snippet after snippet, stopping at the first failing one; then runs
     * what notebook code {@linkplain #runAfterCell queued}. {@code label} names the cell in later
     * stack traces (null: the cell's number in evaluation order).
     */
    EvalResult run(String code, String label) {
        int cell = ++evalCount;
        synchronized (interruptLock) {
            cellRunning = true;
            interruptRequested = false;
        }
        try {
            return evalPieces(code, cell, label != null ? label : Integer.toString(cell));
        } finally {
            synchronized (interruptLock) {
                cellRunning = false;
                inNotebookCode = false;
                interruptRequested = false;
            }
            CellGuard.release(Thread.currentThread());
            Thread.interrupted();
            runQueued();
        }
    }

    /**
     * Queues {@code action} to run right after the current cell when called by notebook code of a
     * running cell (JShell cannot compile while it is evaluating), and says whether it did;
     * otherwise does nothing and returns false.
     */
    boolean runAfterCell(Runnable action) {
        boolean queue;
        synchronized (interruptLock) {
            queue = Thread.currentThread() == cellThread && cellRunning;
        }
        if (queue) {
            afterCell.add(action);
        }
        return queue;
    }

    private void runQueued() {
        Runnable r;
        while ((r = afterCell.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                warnings.accept(e.getMessage());
            }
        }
    }

    private record Pending(DeclarationSnippet snippet, int offset) {
    }

    private EvalResult evalPieces(String code, int cell, String label) {
        EvalResult last = EvalResult.NoValue.INSTANCE;
        // declarations waiting for something declared later in the same cell (forward references)
        List<Pending> pending = new ArrayList<>();
        for (Piece piece : Piece.split(shell.analysis(), code)) {
            if (interruptPending()) {
                return EvalResult.Interrupted.INSTANCE;
            }
            String source = piece.info().source() != null ? piece.info().source() : piece.text();
            int lead = 0;
            while (lead < source.length() && Character.isWhitespace(source.charAt(lead))) {
                lead++;
            }
            if (lead == source.length()) {
                continue;
            }
            // JShell numbers stack-trace lines wrongly when a snippet starts with blank lines
            String stripped = source.substring(lead);
            int offset = piece.offset() + lead;
            shell.execution().reset();
            List<SnippetEvent> events = shell.jshell().eval(stripped);
            for (SnippetEvent ev : events) {
                if (ev.causeSnippet() != null) {
                    continue;
                }
                origins.put(ev.snippet().id(), new ErrorText.Origin(cell, label, ErrorText.lineOf(code, offset)));
                if (ev.status() == Snippet.Status.RECOVERABLE_DEFINED
                        || ev.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                    pending.add(new Pending((DeclarationSnippet) ev.snippet(), offset));
                    last = EvalResult.NoValue.INSTANCE;
                    continue;
                }
                EvalResult r = outcome(ev, code, offset, cell);
                if (ev.snippet() instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                        && ev.status() != Snippet.Status.REJECTED) {
                    // A cell's value is shown, never named: JShell's $N temporaries would pile up, and every
                    // later eval gets slower with the number of snippets (20 ms after a few hundred 1+1s).
                    shell.jshell().drop(v);
                }
                if (!(r instanceof EvalResult.Value) && !(r instanceof EvalResult.NoValue)) {
                    return r;
                }
                if (r instanceof EvalResult.Value v && lastCodeChar(source) == ';') {
                    r = new EvalResult.Value(v.value(), v.typeName(), true);
                }
                last = r;
            }
            if (events.isEmpty() && piece.info().source() == null) {
                String why = "the cell ends before this statement is complete";
                return new EvalResult.CompileError(ErrorText.caretText(code, offset, why), why);
            }
        }
        for (Pending p : pending) {
            Snippet.Status now = shell.jshell().status(p.snippet());
            if (now == Snippet.Status.RECOVERABLE_DEFINED || now == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                String why = errors.unresolvedText(p.snippet(), now == Snippet.Status.RECOVERABLE_DEFINED);
                return new EvalResult.CompileError(ErrorText.caretText(code, p.offset(), why), why);
            }
        }
        return last;
    }

    private boolean interruptPending() {
        synchronized (interruptLock) {
            return interruptRequested;
        }
    }

    private EvalResult outcome(SnippetEvent ev, String code, int offset, int cell) {
        Snippet s = ev.snippet();
        switch (ev.status()) {
            case REJECTED -> {
                return errors.compileError(s, code, offset);
            }
            default -> {
                // VALID, or a status JShell reports for replaced snippets
            }
        }
        if (ev.exception() != null) {
            return failure(ev.exception(), shell.execution().thrown(), cell);
        }
        if (interruptPending()) {
            return EvalResult.Interrupted.INSTANCE;
        }
        String type = null;
        if (s instanceof ExpressionSnippet es) {
            type = es.typeName();
        } else if (s instanceof VarSnippet vs && vs.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            type = vs.typeName();
        }
        if (type == null || type.equals("void")) {
            return EvalResult.NoValue.INSTANCE;
        }
        Object value;
        if (shell.execution().valueCaptured()) {
            value = shell.execution().value();
        } else if (s instanceof ExpressionSnippet es && s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND) {
            value = variableValue.apply(es.name());
        } else {
            return EvalResult.NoValue.INSTANCE;
        }
        return new EvalResult.Value(value, type);
    }

    /**
     * The last character of {@code src} that is code: not whitespace, not in a comment (string and
     * char literals and text blocks are skipped as a whole); 0 when there is none.
     */
    static char lastCodeChar(String src) {
        char last = 0;
        int n = src.length();
        for (int i = 0; i < n; i++) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                int nl = src.indexOf('\n', i);
                i = nl < 0 ? n : nl;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
            } else if (c == '"' && src.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (end < n && !(src.startsWith("\"\"\"", end) && src.charAt(end - 1) != '\\')) {
                    end++;
                }
                i = Math.min(n, end + 2);
                last = '"';
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n - 1, j);
                last = c;
            } else if (!Character.isWhitespace(c)) {
                last = c;
            }
        }
        return last;
    }

    // ------------------------------------------------------------------ failures

    private EvalResult failure(JShellException shown, Throwable real, int cell) {
        for (Throwable t = real; t != null; t = t.getCause()) {
            if (t instanceof ExitAttemptException x) {
                return new EvalResult.ExitAttempt(x.status(), x.getMessage());
            }
            if (t instanceof CellInterruptedException) {
                return EvalResult.Interrupted.INSTANCE;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (interruptPending()) {
            return EvalResult.Interrupted.INSTANCE;
        }
        return errors.runtimeError(shown, real, cell);
    }

    // ------------------------------------------------------------------ interrupt

    /** What JShell's execution calls around notebook code, so that interrupts target only notebook code. */
    InProcessExecution.Hooks hooks() {
        return new InProcessExecution.Hooks() {
            @Override
            public void enter() {
                enterNotebookCode();
            }

            @Override
            public void leave() {
                leaveNotebookCode();
            }
        };
    }

    private void enterNotebookCode() {
        synchronized (interruptLock) {
            if (Thread.currentThread() == cellThread && cellRunning) {
                inNotebookCode = true;
            }
        }
    }

    private void leaveNotebookCode() {
        synchronized (interruptLock) {
            if (Thread.currentThread() == cellThread) {
                inNotebookCode = false;
                // an interrupt meant for notebook code must not reach javac, which runs next on this thread
                Thread.interrupted();
            }
        }
    }

    /**
     * Stops the running cell, if any: interrupts the cell thread while notebook code runs and makes
     * notebook loops and method calls throw {@link CellInterruptedException}; {@link #run} then
     * returns {@link EvalResult.Interrupted}. Returns at once.
     */
    void interrupt() {
        synchronized (interruptLock) {
            if (!cellRunning) {
                return;
            }
            interruptRequested = true;
            CellGuard.stop(cellThread);
            if (inNotebookCode) {
                cellThread.interrupt();
            }
        }
    }
}

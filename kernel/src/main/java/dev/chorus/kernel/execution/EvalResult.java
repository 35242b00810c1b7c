package dev.chorus.kernel.execution;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of evaluating one cell with {@link JShellEvaluator#eval(String)}: a value, no value,
 * or one of the ways a cell can fail.
 */
public sealed interface EvalResult {

    /**
     * The cell ended with an expression; {@code value} is the real object (boxed for primitives).
     * {@code terminated} says the expression was written with its own semicolon
     * ({@code list.add(x);}), which a notebook takes as "run it, don't show it", as IPython does.
     */
    record Value(Object value, String typeName, boolean terminated) implements EvalResult {
        public Value(Object value, String typeName) {
            this(value, typeName, false);
        }
    }

    /** The cell ended with a declaration, a statement or a void call. */
    record NoValue() implements EvalResult {
        static final NoValue INSTANCE = new NoValue();
    }

    /**
     * The cell did not compile (or declared something that cannot be used yet); {@code text} is
     * one block per problem: {@code line N: source}, a caret under the column, javac's message.
     * {@code summary} is the first problem's message alone, for one-line displays such as
     * {@code incompatible types: java.lang.String cannot be converted to int}.
     */
    record CompileError(String text, String summary) implements EvalResult {
        public CompileError {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /**
     * Notebook code threw. {@code throwable} is the real exception object; {@code traceLines} is
     * the formatted report: {@code type: message}, then only the notebook's own frames
     * ({@code at line 3}, {@code at twice (line 2)}, {@code at twice (cell 4, line 2)}), then
     * {@code Caused by:} blocks.
     */
    record RuntimeError(Throwable throwable, String type, String message, List<String> traceLines)
            implements EvalResult {
        public RuntimeError {
            traceLines = List.copyOf(traceLines);
        }

        /** The trace lines joined by newlines. */
        public String text() {
            return String.join("\n", traceLines);
        }
    }

    /** The cell was stopped by {@link JShellEvaluator#interrupt()}; earlier definitions are kept. */
    record Interrupted() implements EvalResult {
        static final Interrupted INSTANCE = new Interrupted();
    }

    /** Notebook code called {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}. */
    record ExitAttempt(int status, String message) implements EvalResult {
    }
}

package dev.chorus.kernel;

import dev.chorus.kernel.execution.EvalResult;
import dev.chorus.kernel.magic.MagicLine;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a failed cell, as Jupyter shows it ({@link CellException}): javac's message with its
 * caret, an exception with only the notebook's frames, an interrupt, {@code System.exit}, or a magic
 * that could not run (one line naming the command, then its usage).
 *
 * <p>Stateless.
 */
final class CellErrors {
    static final String INTERRUPTED = "the cell was interrupted; everything defined before it is kept";

    private CellErrors() {
    }

    /** The error of an evaluation that did not give a value. */
    static CellException of(EvalResult r) {
        return switch (r) {
            case EvalResult.CompileError c -> compileError(c.summary(), c.text());
            case EvalResult.RuntimeError e -> runtimeError(e);
            case EvalResult.Interrupted i -> interrupted(INTERRUPTED);
            case EvalResult.ExitAttempt x -> {
                String msg = "System.exit(" + x.status() + ") was called; the kernel keeps running";
                yield new CellException("SystemExit", msg, List.of("SystemExit: " + msg));
            }
            default -> internal(new IllegalStateException("not an error: " + r));
        };
    }

    static CellException compileError(String summary, String text) {
        String t = text == null || text.isBlank() ? "the cell does not compile" : text.strip();
        String first = summary == null || summary.isBlank() ? t.lines().findFirst().orElse(t) : summary;
        return new CellException("CompileError", first, t.lines().toList());
    }

    static CellException runtimeError(EvalResult.RuntimeError e) {
        String type = e.type() == null ? "Exception" : e.type();
        String simple = type.substring(type.lastIndexOf('.') + 1);
        String message = e.message() == null ? "" : e.message();
        List<String> tb = new ArrayList<>();
        String head = message.isEmpty() ? type : type + ": " + message;
        List<String> lines = e.traceLines() == null ? List.of() : e.traceLines();
        if (lines.isEmpty() || !lines.get(0).startsWith(type)) {
            tb.add(head);
        }
        tb.addAll(lines);
        return new CellException(simple, message, tb);
    }

    static CellException interrupted() {
        return interrupted(INTERRUPTED);
    }

    /** An interrupted cell; {@code msg} says what was kept. */
    static CellException interrupted(String msg) {
        return new CellException("Interrupted", msg, List.of("Interrupted: " + msg));
    }

    /** A failure of the kernel's own code: its class and message, no stack trace. */
    static CellException internal(Throwable e) {
        String msg = describe(e);
        return new CellException(e.getClass().getSimpleName(), msg,
                List.of(e.getClass().getSimpleName() + ": " + msg));
    }

    /** A magic that could not run: {@code line} (one line), then {@code more} (its usage). */
    static CellException magicError(String line, List<String> more) {
        String oneLine = line.replace('\n', ' ');
        List<String> tb = new ArrayList<>();
        tb.add(oneLine);
        for (String m : more) {
            tb.addAll(List.of(m.split("\n")));
        }
        return new CellException("MagicError", oneLine, tb);
    }

    /** {@code Failed to process '%cmd …': message}, unless the message says so already. */
    static String failure(MagicLine m, String message) {
        if (message != null && message.startsWith("Failed to process")) {
            return message;
        }
        return "Failed to process '" + m.quoted() + "': " + message;
    }

    /** The message that says what went wrong, through jjava's wrapping of magic failures. */
    static String describe(Throwable e) {
        while ((e.getMessage() == null || e.getMessage().startsWith("Exception occurred while running"))
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }
}

package dev.chorus.kernel;

import dev.chorus.kernel.execution.EvalResult;
import dev.chorus.kernel.execution.JShellEvaluator;
import dev.chorus.kernel.magic.MagicCatalogue;
import dev.chorus.kernel.magic.MagicLine;
import dev.chorus.magics.spi.Described;
import dev.chorus.magics.spi.PartlyDoneException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;

/**
 * Runs a cell's source: a cell magic ({@code %%name} on its first line) with the rest as its body,
 * or code with line magics between its statements, each magic through the catalogue and each piece
 * of code through JShell. Gives the value of the last piece, or fails with a {@link CellException}.
 *
 * <p>Threading: runs on the calling thread (the kernel's cell thread, or a magic running notebook
 * code there); {@link #inCode()} may be read from any thread, to route an interrupt.
 */
final class CellRunner {
    /** The value of a cell that shows nothing. */
    static final Object NO_VALUE = new Object();

    /** A value whose expression ended with its own semicolon: kept for evalRaw, not displayed. */
    record Terminated(Object value) {
    }

    private final BaseKernel kernel;
    private final MagicCatalogue magics;
    private final MagicParser parser;
    private final Supplier<JShellEvaluator> evaluator;
    private final AtomicInteger codeDepth = new AtomicInteger();
    private final ThreadLocal<MagicLine> currentMagic = new ThreadLocal<>();
    private volatile String cellLabel;

    CellRunner(BaseKernel kernel, MagicCatalogue magics, MagicParser parser, Supplier<JShellEvaluator> evaluator) {
        this.kernel = kernel;
        this.magics = magics;
        this.parser = parser;
        this.evaluator = evaluator;
    }

    /** The label of the cell being run, shown in stack traces of code it defines ({@code cell 3, line 2}). */
    void label(String label) {
        this.cellLabel = label;
    }

    /** True while notebook code (not a magic's own code) runs: an interrupt then goes to JShell. */
    boolean inCode() {
        return codeDepth.get() > 0;
    }

    /** The magic line being run on the calling thread. */
    Optional<MagicLine> currentMagic() {
        return Optional.ofNullable(currentMagic.get());
    }

    /** The cell's value ({@link #NO_VALUE}, a {@link Terminated} value, or the value itself). */
    Object run(String code) {
        String stripped = stripLeadingBlankLines(code);
        if (stripped.startsWith("%%")) {
            int nl = stripped.indexOf('\n');
            String first = nl < 0 ? stripped : stripped.substring(0, nl);
            String body = nl < 0 ? "" : stripped.substring(nl + 1);
            return runMagic(MagicLine.parse(first.strip()), body);
        }
        Object value = NO_VALUE;
        StringBuilder segment = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            if (MagicLine.isMagicLine(line)) {
                if (!segment.toString().isBlank()) {
                    runCode(segment.toString());
                }
                segment.setLength(0);
                value = runMagic(MagicLine.parse(line.strip()), null);
            } else {
                segment.append(line).append('\n');
            }
        }
        if (!segment.toString().isBlank()) {
            value = runCode(segment.toString());
        }
        return value;
    }

    /** The raw value of code run as the cell: null for none. */
    Object evalRaw(String code) {
        Object v = unwrap(run(code));
        return v == NO_VALUE ? null : v;
    }

    static Object unwrap(Object v) {
        return v instanceof Terminated t ? t.value() : v;
    }

    private Object runCode(String code) {
        String source = parser.resolveMagics(code);
        codeDepth.incrementAndGet();
        EvalResult r;
        try {
            r = evaluator.get().eval(source, cellLabel);
        } finally {
            codeDepth.decrementAndGet();
        }
        return switch (r) {
            case EvalResult.Value v -> v.terminated() ? new Terminated(v.value()) : v.value();
            case EvalResult.NoValue n -> NO_VALUE;
            default -> throw CellErrors.of(r);
        };
    }

    private Object runMagic(MagicLine m, String body) {
        MagicLine outer = currentMagic.get();
        currentMagic.set(m);
        boolean cell = body != null;
        try {
            Object r = cell ? magics.evalCellMagic(kernel, m.name(), m.args(), body)
                    : magics.evalLineMagic(kernel, m.name(), m.args());
            return r == null ? NO_VALUE : r;
        } catch (CellException e) {
            throw e;
        } catch (UndefinedMagicException e) {
            String prefix = cell ? "%%" : "%";
            String hint = magics.closest(m.name(), cell).map(s -> " (did you mean " + prefix + s + "?)").orElse("");
            String line = "Failed to process '" + m.quoted() + "': unknown " + (cell ? "cell" : "line")
                    + " magic " + prefix + m.name() + hint;
            throw CellErrors.magicError(line, List.of("%help lists every magic with its usage"));
        } catch (PartlyDoneException e) {
            // A magic that kept what it finished says so (a fan-out: the rows kept and where).
            throw CellErrors.interrupted(e.getMessage());
        } catch (InterruptedException | CancellationException e) {
            throw CellErrors.interrupted();
        } catch (MagicArgsParseException | IllegalArgumentException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw CellErrors.interrupted();
            }
            throw CellErrors.magicError(CellErrors.failure(m, e.getMessage()), usageFor(e, m.name(), cell));
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                throw CellErrors.interrupted();
            }
            throw CellErrors.magicError(CellErrors.failure(m, CellErrors.describe(e)), List.of());
        } finally {
            currentMagic.set(outer);
        }
    }

    /**
     * The usage lines under a bad-argument error: an exception that describes itself decides (no usage:
     * the work failed, not the arguments), else the magic's own usage.
     */
    private List<String> usageFor(Exception e, String name, boolean cell) {
        String usage = e instanceof Described d ? d.usage() : magics.usage(name, cell).orElse(null);
        return usage == null || usage.isBlank() ? List.of() : List.of("Usage: " + usage.strip());
    }

    static String stripLeadingBlankLines(String code) {
        int i = 0;
        while (true) {
            int nl = code.indexOf('\n', i);
            if (nl < 0 || !code.substring(i, nl).isBlank()) {
                return code.substring(i);
            }
            i = nl + 1;
        }
    }
}

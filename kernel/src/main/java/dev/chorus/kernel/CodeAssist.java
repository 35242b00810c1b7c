package dev.chorus.kernel;

import dev.chorus.kernel.execution.JShellEvaluator;
import dev.chorus.kernel.magic.MagicCatalogue;
import dev.chorus.kernel.magic.MagicLine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * Completion, inspection and is_complete for a cell of code and magics: on a magic line it answers
 * from the {@link MagicCatalogue} (names, options, usage), elsewhere from JShell with the magic lines
 * masked out, so offsets stay those of the cell.
 *
 * <p>Threading: called from the shell thread; JShell's answers wait briefly for a running cell.
 */
final class CodeAssist {
    private final Supplier<JShellEvaluator> evaluator;
    private final MagicCatalogue magics;

    CodeAssist(Supplier<JShellEvaluator> evaluator, MagicCatalogue magics) {
        this.evaluator = evaluator;
        this.magics = magics;
    }


    /** Completion at {@code at}: magic names and options on a magic line, JShell's suggestions elsewhere. */
    ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        if (at == 0) {
            lineStart = 0;
        }
        int lineEnd = code.indexOf('\n', at);
        String line = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
        boolean firstLine = code.substring(0, lineStart).isBlank();
        if (MagicLine.isMagicLine(line) || line.strip().equals("%") || line.strip().equals("%%")) {
            return completeMagic(line, lineStart, at, firstLine);
        }
        String masked = mask(code);
        JShellEvaluator.Completion c = evaluator.get().complete(masked, at);
        return new ReplacementOptions(c.candidates(), c.start(), c.end());
    }

    private ReplacementOptions completeMagic(String line, int lineStart, int at, boolean firstLine) {
        int indent = line.length() - line.stripLeading().length();
        int tokenStart = lineStart + indent;
        String beforeCursor = code(line, at - lineStart);
        int space = beforeCursor.indexOf(' ', indent);
        if (space < 0) {
            // completing the magic name
            String typed = beforeCursor.substring(indent);
            List<String> out = new ArrayList<>();
            boolean cell = typed.startsWith("%%");
            String prefix = typed.substring(cell ? 2 : 1);
            if (!cell) {
                magics.names(false).stream().filter(n -> n.startsWith(prefix)).forEach(n -> out.add("%" + n));
            }
            if (firstLine && (cell || prefix.isEmpty())) {
                magics.names(true).stream().filter(n -> n.startsWith(prefix)).forEach(n -> out.add("%%" + n));
            }
            return new ReplacementOptions(out, tokenStart, at);
        }
        // completing an option of the magic
        MagicLine m = MagicLine.parse(line.strip());
        int wordStart = beforeCursor.lastIndexOf(' ') + 1;
        String word = beforeCursor.substring(wordStart);
        List<String> out = new ArrayList<>();
        if (word.startsWith("-")) {
            magics.options(m.name(), m.cell()).stream().filter(o -> o.startsWith(word)).forEach(out::add);
        }
        return new ReplacementOptions(out, lineStart + wordStart, at);
    }

    private static String code(String line, int upTo) {
        return line.substring(0, Math.max(0, Math.min(upTo, line.length())));
    }

    /** What to show for the token at {@code at}: a magic's usage, or the Java element's signature and doc. */
    DisplayData inspect(String code, int at, boolean extraDetail) {
        int lineStart = at == 0 ? 0 : code.lastIndexOf('\n', at - 1) + 1;
        int lineEnd = code.indexOf('\n', at);
        String line = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
        if (MagicLine.isMagicLine(line)) {
            MagicLine m = MagicLine.parse(line.strip());
            return magics.usage(m.name(), m.cell())
                    .map(u -> new DisplayData((m.cell() ? "%%" : "%") + m.name() + "\n\n" + u))
                    .orElse(null);
        }
        return evaluator.get().inspect(mask(code), at)
                .map(i -> {
                    String doc = i.javadoc() == null || i.javadoc().isBlank() ? "" : "\n\n" + i.javadoc().strip();
                    return new DisplayData(i.signature() + doc);
                })
                .orElse(null);
    }

    /** Jupyter's is_complete answer: complete, invalid, or the indent of the next line. */
    String isComplete(String code) {
        String stripped = CellRunner.stripLeadingBlankLines(code);
        if (stripped.startsWith("%%")) {
            // As in IPython: a cell magic's body ends with a blank line, so a console typing "%%prompt"
            // waits for the body instead of running the magic with none.
            String[] lines = stripped.split("\n", -1);
            return lines.length > 1 && lines[lines.length - 1].isBlank() ? BaseKernel.IS_COMPLETE_YES : "";
        }
        String masked = mask(code);
        if (masked.isBlank()) {
            return BaseKernel.IS_COMPLETE_YES;
        }
        JShellEvaluator.Completeness c = evaluator.get().isComplete(masked);
        return switch (c.status()) {
            case COMPLETE -> BaseKernel.IS_COMPLETE_YES;
            case INVALID -> BaseKernel.IS_COMPLETE_BAD;
            case INCOMPLETE -> c.indent() == null ? "" : c.indent();
        };
    }

    /** Replaces magic lines with spaces so JShell sees only Java, at unchanged offsets. */
    static String mask(String code) {
        StringBuilder sb = new StringBuilder(code.length());
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(MagicLine.isMagicLine(lines[i]) ? " ".repeat(lines[i].length()) : lines[i]);
        }
        return sb.toString();
    }
}

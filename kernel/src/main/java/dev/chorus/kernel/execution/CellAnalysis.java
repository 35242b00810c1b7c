package dev.chorus.kernel.execution;

import dev.chorus.kernel.execution.JShellEvaluator.Completeness;
import dev.chorus.kernel.execution.JShellEvaluator.Completion;
import dev.chorus.kernel.execution.JShellEvaluator.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;
import jdk.jshell.VarSnippet;

/**
 * What a front end asks about a cell's code without running it, answered by JShell's source
 * analysis: completion candidates, the signature and Javadoc at the cursor, and whether the cell
 * is complete. Each question is asked of the snippet that holds the cursor; variables declared
 * earlier in the same cell are not evaluated yet, so they are declared as locals around it.
 *
 * <p>Threading: every method runs under the evaluator's JShell lock (which the evaluator waits
 * for only a few seconds, so these never block a front end behind a long cell).
 */
final class CellAnalysis {
    private final NotebookShell shell;

    CellAnalysis(NotebookShell shell) {
        this.shell = shell;
    }

    private SourceCodeAnalysis analysis() {
        return shell.analysis();
    }

    /** Completion candidates at {@code at} (within {@code code}), computed on the snippet that holds it. */
    Completion complete(String code, int at) {
        Piece p = pieceAt(code, at);
        String text = code.substring(p.offset(), p.offset() + p.text().length());
        int[] anchor = new int[1];
        int start = p.offset();
        shell.resumeIndexing();
        List<Suggestion> suggestions = analysis().completionSuggestions(text, at - p.offset(), anchor);
        if (suggestions.isEmpty()) {
            // JShell knows only evaluated snippets: let variables declared earlier in this
            // cell be seen by completing inside a block that declares them as locals
            String locals = earlierVariables(code, p.offset());
            if (!locals.isEmpty()) {
                String block = "{ " + locals + "\n";
                suggestions = analysis().completionSuggestions(block + text, block.length() + at - p.offset(), anchor);
                start -= block.length();
            }
        }
        LinkedHashSet<String> candidates = new LinkedHashSet<>();
        suggestions.stream().filter(Suggestion::matchesType).forEach(s -> candidates.add(s.continuation()));
        suggestions.forEach(s -> candidates.add(s.continuation()));
        return new Completion(Math.max(p.offset(), start + anchor[0]), at, new ArrayList<>(candidates));
    }

    /** The variable declarations of the cell before {@code end}, joined, without evaluating them. */
    private String earlierVariables(String code, int end) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : Piece.split(analysis(), code.substring(0, end))) {
            String source = p.info().source();
            if (source == null) {
                continue;
            }
            for (Snippet s : analysis().sourceToSnippets(source)) {
                if (s instanceof VarSnippet && !s.source().isBlank()) {
                    String decl = s.source().strip();
                    sb.append(decl).append(decl.endsWith(";") ? " " : "; ");
                }
            }
        }
        return sb.toString().strip();
    }

    /**
     * The signature(s) and Javadoc of the identifier at or right before {@code at} ({@code Math.max|});
     * null when JShell knows nothing there.
     */
    Inspection inspect(String code, int at) {
        Piece p = pieceAt(code, at);
        String text = code.substring(p.offset(), p.offset() + p.text().length());
        int c = at - p.offset();
        while (c < text.length() && Character.isJavaIdentifierPart(text.charAt(c))) {
            c++;
        }
        List<Documentation> docs = documentation(text, c);
        if (docs.isEmpty()) {
            // variables declared earlier in this cell are not evaluated yet: declare them as locals
            String locals = earlierVariables(code, p.offset());
            if (!locals.isEmpty()) {
                String block = "{ " + locals + "\n";
                docs = documentation(block + text, block.length() + c);
            }
        }
        if (docs.isEmpty()) {
            return null;
        }
        String signature = String.join("\n", docs.stream().map(Documentation::signature).toList());
        String javadoc = docs.stream().map(Documentation::javadoc)
                .filter(j -> j != null && !j.isBlank()).findFirst().orElse("");
        return new Inspection(signature, javadoc);
    }

    private List<Documentation> documentation(String text, int c) {
        List<Documentation> docs = analysis().documentation(text, c, true);
        if (docs.isEmpty()) {
            // a method name without its parenthesis: ask as if the call were being typed
            String call = text.substring(0, c) + "(" + text.substring(c);
            docs = analysis().documentation(call, c + 1, true);
        }
        return docs;
    }

    private Piece pieceAt(String code, int at) {
        List<Piece> pieces = Piece.split(analysis(), code);
        for (Piece p : pieces) {
            if (at >= p.offset() && at <= p.offset() + p.text().length()) {
                return p;
            }
        }
        int start = pieces.isEmpty() ? 0 : pieces.get(pieces.size() - 1).offset() + pieces.get(pieces.size() - 1).text().length();
        return new Piece(code.substring(Math.min(start, code.length())), Math.min(start, code.length()), null);
    }

    /**
     * Whether the cell can run as typed: INCOMPLETE (with an indent) when a statement is still
     * open, INVALID when a snippet can never parse (for example {@code int 3x = 1;}), checked by
     * javac's parser without executing anything.
     */
    Completeness isComplete(String code) {
        for (Piece p : Piece.split(analysis(), code)) {
            switch (p.info().completeness()) {
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return new Completeness(Completeness.Status.INCOMPLETE, indentAfter(code));
                }
                case UNKNOWN -> {
                    return new Completeness(Completeness.Status.INVALID, "");
                }
                case EMPTY -> {
                    // blank or comments only
                }
                default -> {
                    if (!SyntaxCheck.parses(p.info().source())) {
                        return new Completeness(Completeness.Status.INVALID, "");
                    }
                }
            }
        }
        return new Completeness(Completeness.Status.COMPLETE, "");
    }

    private static String indentAfter(String code) {
        String[] lines = code.split("\n");
        String last = "";
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i];
                break;
            }
        }
        String base = last.substring(0, last.length() - last.stripLeading().length());
        String t = last.strip();
        boolean opens = t.endsWith("{") || t.endsWith("(") || t.endsWith("[") || t.endsWith("->");
        return opens ? base + "    " : base;
    }
}

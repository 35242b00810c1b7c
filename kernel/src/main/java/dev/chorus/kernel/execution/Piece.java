package dev.chorus.kernel.execution;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

/**
 * One snippet of a cell as JShell's source analysis cuts it: its text, where it starts in the
 * cell, and what the analysis said of it ({@code info}; null for the blank end of a cell after
 * its last snippet, where a cursor may stand). Cells are evaluated, completed and checked snippet
 * by snippet.
 *
 * <p>Immutable. {@link #split} asks JShell's source analysis, so it runs under the evaluator's
 * JShell lock.
 */
record Piece(String text, int offset, CompletionInfo info) {

    /** The snippets of {@code code} in order; the last one holds whatever is left when it is incomplete. */
    static List<Piece> split(SourceCodeAnalysis analysis, String code) {
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        int offset = 0;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            String remaining = info.remaining();
            boolean incomplete = info.source() == null;
            if (incomplete || !rest.endsWith(remaining) || remaining.length() >= rest.length()) {
                pieces.add(new Piece(rest, offset, info));
                break;
            }
            int consumed = rest.length() - remaining.length();
            pieces.add(new Piece(rest.substring(0, consumed), offset, info));
            offset += consumed;
            rest = remaining;
        }
        return pieces;
    }
}

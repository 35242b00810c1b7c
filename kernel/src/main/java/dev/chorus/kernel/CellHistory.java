package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The executed cells of this kernel session, in memory, for Jupyter's history_request
 * (tail, range and search).
 *
 * <p>Cells are numbered by their execution count; the session number is {@link #session()}. Only the
 * current session is kept: a range request names it as 0 or by its number; an earlier session answers
 * an empty list.
 * Thread-safe (synchronized); never throws for a request it can answer, an invalid glob matches nothing.
 */
public final class CellHistory implements HistoryManager {

    private record Cell(int number, String input, String output) {
    }

    private final int session;
    private final List<Cell> cells = new ArrayList<>();

    /** Creates an empty history for the given session number (1 for a fresh kernel). */
    public CellHistory(int session) {
        this.session = session;
    }

    public int session() {
        return session;
    }

    /** Records an executed cell and the text/plain of its result (empty when it had none). */
    public synchronized void add(int number, String input, String output) {
        cells.add(new Cell(number, input, output == null ? "" : output));
    }

    public synchronized int size() {
        return cells.size();
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int sessionOffset, int startCell, int endCell, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        // 0 is the current session (jjava's reading), a positive number names a session (IPython's)
        if (sessionOffset != 0 && sessionOffset != session) {
            return out;
        }
        for (Cell c : cells) {
            if (c.number >= startCell && (endCell <= 0 || c.number < endCell)) {
                out.add(entry(c, flags));
            }
        }
        return unique(out, flags);
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        List<HistoryEntry> all = new ArrayList<>();
        for (Cell c : cells) {
            all.add(entry(c, flags));
        }
        all = unique(all, flags);
        return new ArrayList<>(all.subList(Math.max(0, all.size() - Math.max(0, length)), all.size()));
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern regex = globToRegex(pattern == null || pattern.isEmpty() ? "*" : pattern);
        List<HistoryEntry> all = new ArrayList<>();
        for (Cell c : cells) {
            if (regex.matcher(c.input).matches()) {
                all.add(entry(c, flags));
            }
        }
        all = unique(all, flags);
        int n = length <= 0 ? all.size() : length;
        return new ArrayList<>(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    private HistoryEntry entry(Cell c, Set<ResultFlag> flags) {
        String output = flags.contains(ResultFlag.INCLUDE_OUTPUT) ? c.output : null;
        return new HistoryEntry(session, c.number, c.input, output);
    }

    private static List<HistoryEntry> unique(List<HistoryEntry> entries, Set<ResultFlag> flags) {
        if (!flags.contains(ResultFlag.UNIQUE)) {
            return entries;
        }
        // keep the latest occurrence of each input, in order
        Set<String> seen = new LinkedHashSet<>();
        List<HistoryEntry> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (seen.add(entries.get(i).getInput())) {
                out.add(0, entries.get(i));
            }
        }
        return out;
    }

    /** Translates an sqlite GLOB (*, ?, [a-z], [^a-z]) into a regular expression. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        boolean negate = body.startsWith("^");
                        if (negate) {
                            body = body.substring(1);
                        }
                        re.append('[').append(negate ? "^" : "").append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}

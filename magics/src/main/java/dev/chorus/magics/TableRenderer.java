package dev.chorus.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Draws a Tablesaw {@link Table} as HTML and as plain text: at most {@code maxRows} rows (the
 * first and last ones, with "… N more rows" between), long text shortened with the full text on
 * hover, numbers right-aligned, rows whose {@code status} column is not {@code ok} marked, and
 * every value HTML-escaped.
 *
 * <p>Stateless and thread-safe. Rendering reads the table without locking: draw a table that is
 * still being filled by a background fan-out and you see a consistent-enough snapshot.
 */
final class TableRenderer {
    /** Rows shown when no limit is given. */
    public static final int DEFAULT_MAX_ROWS = 10;
    /** Characters of a text cell shown before it is shortened (two lines of a wrapping column). */
    public static final int MAX_CELL_CHARS = 40;
    private static final int MAX_TEXT_CELL_CHARS = 40;
    /** Text up to this many characters stays on one line in HTML. */
    private static final int ONE_LINE_CHARS = 24;
    /** Failed rows' background. */
    private static final String FAILED_TINT = "#fdecea";

    private TableRenderer() {
    }

    /** Registers this renderer for {@link Table} (text/html and text/plain). */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Table.class)
                .preferring("text/html")
                .supporting("text/plain")
                .register((table, context) -> context.getOutputContainer().assign(display(table, DEFAULT_MAX_ROWS)));
    }

    /** Both representations, capped at {@code maxRows}. */
    public static DisplayData display(Table table, int maxRows) {
        return display(table, maxRows, false);
    }

    /** Both representations; {@code allColumns} shows the timeline's columns too (see {@link #shown}). */
    static DisplayData display(Table table, int maxRows, boolean allColumns) {
        Table t = shown(table, allColumns);
        DisplayData d = new DisplayData();
        d.putText(text(t, maxRows));
        d.putHTML(html(t, maxRows));
        return d;
    }

    /**
     * The columns a display shows: all but {@code start_ms} and {@code end_ms} of a fan-out's result
     * (the timeline's data, drawn by its chart; they would make the table too wide to read), unless
     * {@code allColumns}. The title then says they are left out. The table returned shares its
     * columns with {@code table}: it is for reading only.
     */
    static Table shown(Table table, boolean allColumns) {
        List<String> names = table.columnNames();
        if (allColumns || !names.contains(START) || !names.contains(END)) {
            return table;
        }
        // The same column objects in a table of their own: rejectColumns would copy every column (at a
        // million rows, a quarter of a gigabyte for a display of ten).
        Table t = Table.create((table.name() == null || table.name().isBlank() ? "table" : table.name()) + HIDDEN);
        for (var c : table.columns()) {
            if (!c.name().equals(START) && !c.name().equals(END)) {
                t.addColumns(c);
            }
        }
        return t;
    }

    private static final String START = "start_ms";
    private static final String END = "end_ms";
    /** Said in the title of a table shown without the timeline's columns. */
    static final String HIDDEN = " (start_ms, end_ms not shown)";

    /** The rows shown for a cap: all when they fit, else the first and last ones with a gap. */
    static List<Integer> shownRows(int rowCount, int maxRows) {
        List<Integer> rows = new ArrayList<>();
        if (rowCount <= maxRows) {
            for (int i = 0; i < rowCount; i++) {
                rows.add(i);
            }
            return rows;
        }
        int head = (maxRows + 1) / 2;
        int tail = maxRows - head;
        for (int i = 0; i < head; i++) {
            rows.add(i);
        }
        rows.add(-1); // the gap
        for (int i = rowCount - tail; i < rowCount; i++) {
            rows.add(i);
        }
        return rows;
    }

    /** The HTML table for a notebook: text longer than {@value #MAX_CELL_CHARS} characters cut, the full text on hover. */
    public static String html(Table table, int maxRows) {
        return html(table, maxRows, MAX_CELL_CHARS);
    }

    /** The HTML table with every row and every character (an export). */
    public static String htmlWhole(Table table) {
        return html(table, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * The HTML table. Its layout rides on HTML attributes (align, nowrap, width, bgcolor) rather
     * than on styles alone, because a front end that does not trust the notebook strips every
     * {@code style} and keeps those: number, boolean and short text columns never wrap, long text
     * columns get a width that holds their cut text in two lines, headers may break after an
     * underscore, and failed rows keep their tint.
     */
    private static String html(Table table, int maxRows, int maxChars) {
        int rowCount = table.rowCount();
        List<Column<?>> columns = table.columns();
        int statusColumn = table.columnNames().indexOf("status");
        List<Integer> shown = shownRows(rowCount, maxRows);
        // Per column: the longest shown text, and the narrowest line (in characters) that holds every
        // shown text in two lines.
        int[] longest = new int[columns.size()];
        int[] twoLines = new int[columns.size()];
        for (int j = 0; j < columns.size(); j++) {
            for (int row : shown) {
                if (row >= 0) {
                    String v = shorten(cell(columns.get(j), row), maxChars);
                    longest[j] = Math.max(longest[j], v.length());
                    twoLines[j] = Math.max(twoLines[j], twoLineWidth(v));
                }
            }
        }
        StringBuilder b = new StringBuilder(4096);
        b.append("<div class=\"chorus-table\">");
        b.append("<div style=\"font-size:smaller;color:#666\">")
                .append(Html.escape(title(table))).append("</div>");
        b.append("<table style=\"border-collapse:collapse;table-layout:auto\"><thead><tr>");
        for (int j = 0; j < columns.size(); j++) {
            Column<?> c = columns.get(j);
            String align = c instanceof NumericColumn<?> ? "right" : "left";
            b.append("<th align=\"").append(align).append('"');
            if (wraps(c, longest[j])) {
                b.append(" width=\"").append(pixels(twoLines[j])).append('"');
            }
            b.append(" style=\"text-align:").append(align).append(";padding:2px 4px;vertical-align:bottom\" title=\"")
                    .append(Html.escape(c.type().name())).append("\">")
                    .append(Html.escape(c.name()).replace("_", "_<wbr>")).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (int row : shown) {
            if (row < 0) {
                int more = rowCount - maxRows;
                b.append("<tr class=\"chorus-more\"><td colspan=\"").append(Math.max(1, columns.size()))
                        .append("\" align=\"center\" style=\"text-align:center;color:#666\">… ").append(more)
                        .append(more == 1 ? " more row" : " more rows").append(" …</td></tr>");
                continue;
            }
            boolean failed = statusColumn >= 0 && isFailed(cell(columns.get(statusColumn), row));
            b.append(failed ? "<tr class=\"chorus-failed\" bgcolor=\"" + FAILED_TINT + "\" style=\"background:"
                    + FAILED_TINT + "\">" : "<tr>");
            for (int j = 0; j < columns.size(); j++) {
                Column<?> c = columns.get(j);
                String v = cell(c, row);
                String align = c instanceof NumericColumn<?> ? "right" : "left";
                boolean wraps = wraps(c, longest[j]);
                b.append("<td align=\"").append(align).append("\" valign=\"top\"").append(wraps ? "" : " nowrap")
                        .append(" style=\"padding:2px 4px;vertical-align:top;text-align:").append(align)
                        .append(wraps ? "" : ";white-space:nowrap").append('"');
                String shortened = shorten(v, maxChars);
                if (!shortened.equals(v)) {
                    b.append(" title=\"").append(Html.escape(v)).append("\">").append(Html.escape(shortened));
                } else {
                    b.append('>').append(Html.escape(v));
                }
                b.append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table></div>");
        return b.toString();
    }

    /** A text column whose longest shown cell is too long for one line. */
    private static boolean wraps(Column<?> c, int longest) {
        return !(c instanceof NumericColumn<?>) && longest > ONE_LINE_CHARS;
    }

    /** Pixels of a column {@code chars} characters of 12 px text wide, padding included. */
    private static int pixels(int chars) {
        return (int) Math.ceil(chars * 7.2) + 8;
    }

    /** The narrowest line, in characters, that holds {@code text} in at most two lines when wrapped at spaces. */
    static int twoLineWidth(String text) {
        int longestWord = 0;
        for (String word : text.split(" ")) {
            longestWord = Math.max(longestWord, word.length());
        }
        for (int width = Math.max(longestWord, (text.length() + 1) / 2); width < text.length(); width++) {
            if (lines(text, width) <= 2) {
                return width;
            }
        }
        return text.length();
    }

    /** Lines of {@code text} wrapped at spaces into lines of {@code width} characters. */
    private static int lines(String text, int width) {
        int lines = 1;
        int used = 0;
        for (String word : text.split(" ")) {
            int need = used == 0 ? word.length() : used + 1 + word.length();
            if (need <= width) {
                used = need;
            } else {
                lines++;
                used = word.length();
            }
        }
        return lines;
    }

    /** The plain-text table: aligned columns, cells shortened, the same row cap. */
    public static String text(Table table, int maxRows) {
        int rowCount = table.rowCount();
        List<Column<?>> columns = table.columns();
        List<Integer> rows = shownRows(rowCount, maxRows);
        int[] width = new int[columns.size()];
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columns.size()];
        for (int j = 0; j < columns.size(); j++) {
            header[j] = columns.get(j).name();
            width[j] = header[j].length();
        }
        for (int row : rows) {
            if (row < 0) {
                lines.add(null);
                continue;
            }
            String[] line = new String[columns.size()];
            for (int j = 0; j < columns.size(); j++) {
                line[j] = shorten(cell(columns.get(j), row), MAX_TEXT_CELL_CHARS);
                width[j] = Math.max(width[j], line[j].length());
            }
            lines.add(line);
        }
        StringBuilder b = new StringBuilder();
        b.append(title(table)).append('\n');
        appendLine(b, header, width, columns);
        for (String[] line : lines) {
            if (line == null) {
                int more = rowCount - maxRows;
                b.append("… ").append(more).append(more == 1 ? " more row" : " more rows").append(" …\n");
            } else {
                appendLine(b, line, width, columns);
            }
        }
        return b.toString().stripTrailing();
    }

    private static void appendLine(StringBuilder b, String[] cells, int[] width, List<Column<?>> columns) {
        for (int j = 0; j < cells.length; j++) {
            if (j > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[j] - cells[j].length());
            if (columns.get(j) instanceof NumericColumn<?>) {
                b.append(pad).append(cells[j]);
            } else {
                b.append(cells[j]).append(j == cells.length - 1 ? "" : pad);
            }
        }
        b.append('\n');
    }

    private static String title(Table table) {
        String name = table.name() == null || table.name().isBlank() ? "table" : table.name();
        if (name.endsWith(HIDDEN)) {
            return String.format(Locale.ROOT, "%s: %d rows × %d columns%s", name.substring(0, name.length() - HIDDEN.length()),
                    table.rowCount(), table.columnCount() + 2, HIDDEN);
        }
        return String.format(Locale.ROOT, "%s: %d rows × %d columns", name, table.rowCount(), table.columnCount());
    }

    static boolean isFailed(String status) {
        return !status.isEmpty() && !status.equals("ok") && !status.equals("pending");
    }

    static String cell(Column<?> c, int row) {
        if (c.isMissing(row)) {
            return "";
        }
        String v = c.getString(row);
        return v == null ? "" : v;
    }

    /** {@code s} on one line, cut to {@code max} characters with an ellipsis. */
    static String shorten(String s, int max) {
        String one = s.replace("\r\n", "\n").replace("\n", " ⏎ ");
        if (one.length() <= max) {
            return one;
        }
        return one.substring(0, max - 1) + "…";
    }
}

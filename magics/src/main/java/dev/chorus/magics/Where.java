package dev.chorus.magics;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.selection.Selection;

/**
 * A {@code --where} condition of {@code %table}: {@code COL=VALUE} and {@code COL!=VALUE} on any
 * column (the cell as shown), and {@code >}, {@code >=}, {@code <}, {@code <=} on number columns
 * (compared as numbers, so {@code score>0.5}) and date columns ({@code date>=2026-01-01}). On a
 * number column {@code =} compares numbers too. A missing value satisfies {@code !=} only.
 *
 * <p>Immutable. A bad condition is the magic's one-line error.
 */
record Where(String column, String op, String value) {
    private static final List<String> OPERATORS = List.of(">=", "<=", "!=", "=", ">", "<");

    static Where parse(String text, Options o, Table t) {
        int at = -1;
        String op = null;
        for (int i = 0; i < text.length() && at < 0; i++) {
            for (String candidate : OPERATORS) {
                if (text.startsWith(candidate, i)) {
                    at = i;
                    op = candidate;
                    break;
                }
            }
        }
        if (at <= 0) {
            throw o.fail("--where expects COL=VALUE, COL!=VALUE or a comparison such as score>0.5, got '" + text + "'");
        }
        String col = text.substring(0, at).strip();
        String value = text.substring(at + op.length()).strip();
        Column<?> c = TableMagic.column(o, t, col, "--where");
        boolean ordered = op.startsWith(">") || op.startsWith("<");
        if (c instanceof NumericColumn<?> && !value.isEmpty()) {
            try {
                Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw o.fail("--where " + text + ": '" + value + "' is not a number, and " + col + " is a number column");
            }
        } else if (c instanceof DateColumn && ordered) {
            try {
                LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw o.fail("--where " + text + ": '" + value + "' is not a date (2026-01-31)");
            }
        } else if (ordered) {
            throw o.fail("--where " + text + ": " + op + " compares number and date columns; " + col
                    + " holds text (use = or !=)");
        }
        return new Where(col, op, value);
    }

    /** The rows of {@code t} that satisfy the condition. */
    Table apply(Table t) {
        Column<?> c = t.column(column);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < t.rowCount(); i++) {
            if (keeps(c, i)) {
                rows.add(i);
            }
        }
        return t.where(Selection.with(rows.stream().mapToInt(Integer::intValue).toArray()));
    }

    private boolean keeps(Column<?> c, int i) {
        if (c instanceof NumericColumn<?> n && !value.isEmpty()) {
            if (n.isMissing(i)) {
                return op.equals("!=");
            }
            return test(Double.compare(n.getDouble(i), Double.parseDouble(value)));
        }
        if (c instanceof DateColumn d && !op.equals("=") && !op.equals("!=")) {
            return !d.isMissing(i) && test(d.get(i).compareTo(LocalDate.parse(value)));
        }
        boolean eq = TableRenderer.cell(c, i).equals(value);
        return op.equals("!=") != eq;
    }

    private boolean test(int cmp) {
        return switch (op) {
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case "!=" -> cmp != 0;
            default -> cmp == 0;
        };
    }
}

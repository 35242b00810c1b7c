package dev.chorus.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * {@code %table … --pivot COL [--value COL]} on a grid's result table: the inputs down (the input
 * columns and {@code input}), one column across per value of COL (a model, a variant, a varied
 * parameter), each cell holding the value column of that input and variant: {@code answer} by
 * default, else the first field of a structured result; or latency, tokens, any column.
 *
 * <p>Stateless. Bad arguments are the magic's one-line errors.
 */
final class Pivot {
    private Pivot() {
    }

    static Table of(Table t, String by, String value, Options o) {
        if (!t.columnNames().contains("input") || !t.columnNames().contains("variant")) {
            throw o.fail("--pivot needs the result table of a grid (%%fanout --models, --vary or templates split"
                    + " by ---): it has no 'input' and 'variant' columns");
        }
        Column<?> across = TableMagic.column(o, t, by, "--pivot");
        List<String> names = t.columnNames();
        String valueName = value != null ? value
                : names.contains("answer") ? "answer" : names.get(names.indexOf("prompt") + 1);
        Column<?> cells = TableMagic.column(o, t, valueName, "--value");
        int firstGrid = names.indexOf("input");
        IntColumn input = t.intColumn("input");
        Map<Integer, Integer> firstRow = new LinkedHashMap<>();
        for (int i = 0; i < t.rowCount(); i++) {
            firstRow.putIfAbsent(input.getInt(i), i);
        }
        Map<String, StringColumn> byValue = new LinkedHashMap<>();
        for (int i = 0; i < t.rowCount(); i++) {
            byValue.computeIfAbsent(TableRenderer.cell(across, i), k -> StringColumn.create(k, firstRow.size()));
        }
        List<Integer> order = new ArrayList<>(firstRow.keySet());
        Map<Integer, Integer> position = new LinkedHashMap<>();
        for (int k = 0; k < order.size(); k++) {
            position.put(order.get(k), k);
        }
        java.util.Set<String> filled = new java.util.HashSet<>();
        for (int i = 0; i < t.rowCount(); i++) {
            String key = TableRenderer.cell(across, i);
            if (!filled.add(input.getInt(i) + "\u0000" + key)) {
                throw o.fail("--pivot " + by + ": input " + input.getInt(i) + " has more than one row for " + by + " "
                        + key + " (pivot by variant, or keep one with --where)");
            }
            byValue.get(key).set(position.get(input.getInt(i)), TableRenderer.cell(cells, i));
        }
        Table out = Table.create(t.name() + " by " + by + " (" + valueName + ")");
        List<String> taken = new ArrayList<>();
        for (int c = 0; c <= firstGrid; c++) {
            Column<?> src = t.column(c);
            Column<?> col = src.emptyCopy();
            for (int row : order) {
                appendFrom(col, src, firstRow.get(row));
            }
            out.addColumns(col);
            taken.add(col.name());
        }
        for (StringColumn col : byValue.values()) {
            if (taken.contains(col.name())) {
                col.setName(by + "=" + col.name());
            }
            out.addColumns(col);
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void appendFrom(Column col, Column src, int row) {
        col.append(src, row);
    }
}

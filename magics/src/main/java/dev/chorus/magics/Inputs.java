package dev.chorus.magics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The rows a fan-out runs over, normalized from a Tablesaw table, a {@code List<Map>}, a
 * {@code List<String>} (column {@code it}), a CSV file or a JSONL file.
 *
 * <p>Immutable once built. {@link #of} and {@link #file} throw {@link IllegalArgumentException}
 * with a one-line reason for input they cannot use.
 *
 * @param columns the column names, in order
 * @param rows    one map per row, column name to value
 * @param source  the table the rows came from (its columns are copied into the results), or null
 */
record Inputs(List<String> columns, List<Map<String, Object>> rows, Table source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** These inputs with each row repeated {@code times} times in a row (a grid: one row per input and variant). */
    Inputs repeat(int times) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size() * times);
        for (Map<String, Object> row : rows) {
            for (int k = 0; k < times; k++) {
                out.add(row);
            }
        }
        Table copy = null;
        if (source != null) {
            copy = source.emptyCopy();
            for (int i = 0; i < source.rowCount(); i++) {
                for (int k = 0; k < times; k++) {
                    copy.addRow(i, source);
                }
            }
        }
        return new Inputs(columns, out, copy);
    }

    /** Rows made when they are read, from their index. */
    private static final class RowView extends java.util.AbstractList<Map<String, Object>> implements java.util.RandomAccess {
        private final int size;
        private final java.util.function.IntFunction<Map<String, Object>> row;

        RowView(int size, java.util.function.IntFunction<Map<String, Object>> row) {
            this.size = size;
            this.row = row;
        }

        @Override
        public Map<String, Object> get(int index) {
            java.util.Objects.checkIndex(index, size);
            return row.apply(index);
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** Inputs from a notebook value. */
    static Inputs of(Object value, String name) {
        if (value instanceof Table t) {
            // Each row's map is made when it is read: a million-row table is not held twice.
            List<Column<?>> cols = List.copyOf(t.columns());
            int n = t.rowCount();
            List<Map<String, Object>> rows = new RowView(n, i -> {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Column<?> c : cols) {
                    row.put(c.name(), c.isMissing(i) ? null : c.get(i));
                }
                return row;
            });
            return new Inputs(t.columnNames(), rows, t);
        }
        if (value instanceof Object[] array) {
            value = List.of(array);
        }
        if (value instanceof Iterable<?> it) {
            List<Object> items = new ArrayList<>();
            it.forEach(items::add);
            boolean maps = !items.isEmpty() && items.stream().allMatch(x -> x instanceof Map<?, ?>);
            if (maps) {
                Set<String> columns = new LinkedHashSet<>();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Object item : items) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    ((Map<?, ?>) item).forEach((k, v) -> row.put(String.valueOf(k), v));
                    columns.addAll(row.keySet());
                    rows.add(row);
                }
                return new Inputs(List.copyOf(columns), rows, null);
            }
            if (items.stream().anyMatch(x -> x instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(name + " mixes maps and other values");
            }
            // Each row's map is made when it is read (a LinkedHashMap held per row was about 180 bytes
            // of each row of a million-row fan-out).
            return new Inputs(List.of("it"), new RowView(items.size(),
                    i -> java.util.Collections.singletonMap("it", items.get(i))), null);
        }
        throw new IllegalArgumentException(name + " is a " + (value == null ? "null" : value.getClass().getName())
                + ", not a Table, a List<Map>, a List<String> or a .csv/.jsonl file");
    }

    /** These rows as a table of text columns (the source table itself when there is one). */
    Table toTable(String name) {
        if (source != null) {
            return source;
        }
        TablesawStartup.ensure();
        Table t = Table.create(name);
        for (String col : columns) {
            tech.tablesaw.api.StringColumn c = tech.tablesaw.api.StringColumn.create(col);
            for (Map<String, Object> row : rows) {
                Object v = row.get(col);
                if (v == null) {
                    c.appendMissing();
                } else {
                    c.append(String.valueOf(v));
                }
            }
            t.addColumns(c);
        }
        return t;
    }

    /** True when {@code over} names a file rather than a variable. */
    static boolean isFile(String over) {
        String lower = over.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".jsonl");
    }

    /** Inputs read from a .csv or .jsonl file. */
    static Inputs file(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("file not found: " + path);
        }
        String name = path.getFileName().toString();
        try {
            if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                TablesawStartup.ensure();
                Table t = Table.read().csv(CsvReadOptions.builder(path.toFile()).tableName(name).build());
                return of(t, name);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    Object parsed;
                    try {
                        parsed = JSON.readValue(line, Object.class);
                    } catch (IOException e) {
                        throw new IllegalArgumentException(name + " line " + n + " is not JSON");
                    }
                    if (!(parsed instanceof Map<?, ?>)) {
                        throw new IllegalArgumentException(name + " line " + n + " is not a JSON object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = (Map<String, Object>) parsed;
                    rows.add(row);
                }
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(name + " has no rows");
            }
            return of(rows, name);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Inputs that are just prompts (one per non-empty body line), with no input columns. */
    static Inputs lines(String body) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : body.split("\\R")) {
            if (!line.isBlank()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", line.strip());
                rows.add(row);
            }
        }
        return new Inputs(List.of(), rows, null);
    }
}

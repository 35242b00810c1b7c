package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.value;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * {@code %table VAR}: shows a Tablesaw table (or a {@code List<Map>}) with a row limit, a choice
 * of columns, a sort and a filter, and exports it to CSV, JSONL or HTML.
 *
 * <p>Runs on the cell thread; reads the table without changing it. Failures are
 * {@link MagicException}s.
 */
final class TableMagic extends ChorusMagic implements LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %table VAR [--limit N] [--columns a,b] [--sort COL[:desc]] [--where COL=VALUE]
                              [--pivot COL [--value COL]] [--export FILE.csv|FILE.jsonl|FILE.html]
              Shows the table VAR (first and last rows up to --limit, default 10); --where keeps rows
              whose COL equals VALUE; also !=, and >, >=, <, <= on number and date columns
              (--where score>0.5); --pivot model (or variant, or a varied parameter) shows a grid's inputs down and
              its variants across, each cell the answer (or --value COL); --export writes what is shown.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%table", USAGE, 1,
            value("limit", "N"), value("columns", "a,b"), value("sort", "COL[:desc]"), value("where", "COL=VALUE"),
            value("export", "FILE"), value("pivot", "COL"), value("value", "COL"));
    private static final ObjectMapper JSON = new ObjectMapper();

    TableMagic(Session session) {
        super(session, SCHEMA);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) {
        return run(new KernelNotebook(kernel), args);
    }

    DisplayData run(Notebook notebook, List<String> args) {
        Options o = SCHEMA.parse(args, session::getenv);
        if (o.help()) {
            return Displays.text(usage());
        }
        if (o.positional().isEmpty()) {
            throw o.fail("name the table variable");
        }
        String name = o.positional().get(0);
        Object value;
        try {
            value = notebook.read(name);
        } catch (RuntimeException e) {
            throw o.fail(name + " is not a notebook variable");
        }
        Table table = toTable(o, value, name);
        return show(o, table);
    }

    static Table toTable(Options o, Object value, String name) {
        if (value instanceof Table t) {
            return t;
        }
        try {
            Inputs in = Inputs.of(value, name);
            return in.toTable(name);
        } catch (IllegalArgumentException e) {
            throw o.fail(e.getMessage());
        }
    }

    /** Applies --where, --sort, --columns, exports, and returns the display (also used by {@link Chorus#table}). */
    static DisplayData show(Options o, Table source) {
        Table t;
        synchronized (source) {
            t = source.copy();
        }
        t.setName(source.name());
        int limit = o.positiveInt("limit", TableRenderer.DEFAULT_MAX_ROWS);
        String where = o.string("where", null);
        if (where != null) {
            t = Where.parse(where, o, t).apply(t);
            t.setName(source.name() + " where " + where);
        }
        String pivot = o.string("pivot", null);
        if (pivot != null) {
            t = Pivot.of(t, pivot, o.string("value", null), o);
        } else if (o.has("value")) {
            throw o.fail("--value goes with --pivot");
        }
        String sort = o.string("sort", null);
        if (sort != null) {
            boolean desc = false;
            String col = sort;
            int colon = sort.lastIndexOf(':');
            if (colon > 0) {
                String dir = sort.substring(colon + 1).toLowerCase(Locale.ROOT);
                if (!dir.equals("desc") && !dir.equals("asc")) {
                    throw o.fail("--sort expects COL, COL:asc or COL:desc, got '" + sort + "'");
                }
                desc = dir.equals("desc");
                col = sort.substring(0, colon);
            }
            column(o, t, col, "--sort");
            String name = t.name();
            t = desc ? t.sortDescendingOn(col) : t.sortAscendingOn(col);
            t.setName(name);
        }
        String columns = o.string("columns", null);
        if (columns != null) {
            List<String> names = new ArrayList<>();
            for (String c : columns.split(",")) {
                if (!c.isBlank()) {
                    column(o, t, c.strip(), "--columns");
                    names.add(c.strip());
                }
            }
            String name = t.name();
            t = t.selectColumns(names.toArray(String[]::new));
            t.setName(name);
        }
        String export = o.string("export", null);
        String exported = null;
        if (export != null) {
            exported = export(o, t, Path.of(export));
        }
        DisplayData d = TableRenderer.display(t, limit, o.has("columns"));
        if (exported != null) {
            d.putText(d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN) + "\n" + exported);
            d.putHTML(d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML)
                    + "<div style=\"color:#666;font-size:smaller\">" + Html.escape(exported) + "</div>");
        }
        return d;
    }

    static Column<?> column(Options o, Table t, String col, String option) {
        if (!t.columnNames().contains(col)) {
            throw o.fail(option + ": no column '" + col + "' (columns: " + String.join(", ", t.columnNames()) + ")");
        }
        return t.column(col);
    }

    private static String export(Options o, Table t, Path file) {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (lower.endsWith(".csv")) {
                t.write().csv(file.toFile());
            } else if (lower.endsWith(".jsonl")) {
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    for (int i = 0; i < t.rowCount(); i++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (Column<?> c : t.columns()) {
                            row.put(c.name(), c.isMissing(i) ? null : c.get(i));
                        }
                        w.write(JSON.writeValueAsString(row));
                        w.write('\n');
                    }
                }
            } else if (lower.endsWith(".html")) {
                Files.writeString(file, "<!doctype html><meta charset=\"utf-8\"><title>" + Html.escape(t.name())
                        + "</title>\n" + TableRenderer.htmlWhole(t) + "\n", StandardCharsets.UTF_8);
            } else {
                throw o.fail("--export writes .csv, .jsonl or .html files, got '" + file + "'");
            }
        } catch (IOException e) {
            throw o.fail("--export " + file + ": " + e.getMessage());
        }
        return "exported " + t.rowCount() + " rows to " + file;
    }
}

package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableMagicTest {
    private final Session session = new Session();
    private final RecordingNotebook notebook = new RecordingNotebook();
    private final TableMagic magic = new TableMagic(session);

    @TempDir
    Path dir;

    @BeforeEach
    void rows() {
        session.env(Map.of());
        notebook.variables.put("t", Table.create("t",
                StringColumn.create("city", "Oslo", "Lima", "Rome", "Kyiv"),
                IntColumn.create("n", 3, 1, 4, 1),
                StringColumn.create("status", "ok", "failed", "ok", "timed_out")));
    }

    private String text(String... args) {
        return (String) magic.run(notebook, List.of(args)).getData(MIMEType.TEXT_PLAIN);
    }

    private String error(String... args) {
        return assertThrows(MagicException.class, () -> magic.run(notebook, List.of(args))).headline();
    }

    @Test
    void whereSortColumnsAndLimit() throws Exception {
        assertEquals("t where status!=ok: 2 rows × 2 columns\ncity  n\nLima  1\nKyiv  1",
                text("t", "--where", "status!=ok", "--columns", "city,n"));
        assertEquals("t: 4 rows × 1 columns\ncity\nRome\nOslo\nLima\nKyiv", text("t", "--sort", "n:desc", "--columns", "city"));
        assertTrue(text("t", "--limit", "2").contains("… 2 more rows …"));
        DisplayData d = magic.run(notebook, List.of("t", "--where", "status=ok"));
        assertTrue(((String) d.getData(MIMEType.TEXT_HTML)).contains("t where status=ok: 2 rows × 3 columns"));
    }

    @Test
    void numberAndDateColumnsCompareInOrder() {
        assertEquals("t where n>1: 2 rows × 1 columns\ncity\nOslo\nRome", text("t", "--where", "n>1", "--columns", "city"));
        assertEquals("t where n<=1: 2 rows × 1 columns\ncity\nLima\nKyiv", text("t", "--where", "n<=1", "--columns", "city"));
        assertEquals("t where n=4.0: 1 rows × 1 columns\ncity\nRome", text("t", "--where", "n=4.0", "--columns", "city"));
        notebook.variables.put("d", Table.create("d", StringColumn.create("name", "a", "b", "c"),
                tech.tablesaw.api.DateColumn.create("day", java.time.LocalDate.of(2026, 1, 5), null,
                        java.time.LocalDate.of(2026, 3, 1)),
                tech.tablesaw.api.DoubleColumn.create("score", 0.2, 0.7, Double.NaN)));
        assertEquals("d where day>=2026-02-01: 1 rows × 1 columns\nname\nc", text("d", "--where", "day>=2026-02-01",
                "--columns", "name"));
        assertEquals("d where score>0.5: 1 rows × 1 columns\nname\nb", text("d", "--where", "score>0.5", "--columns", "name"),
                "a missing score never passes");
        assertTrue(error("t", "--where", "city>b").endsWith(
                "--where city>b: > compares number and date columns; city holds text (use = or !=)"));
        assertTrue(error("t", "--where", "n>many").endsWith("--where n>many: 'many' is not a number, and n is a number column"));
        assertTrue(error("d", "--where", "day<soon").endsWith("--where day<soon: 'soon' is not a date (2026-01-31)"));
    }

    @Test
    void listsOfMapsAreShownToo() throws Exception {
        notebook.variables.put("people", List.of(Map.of("name", "Ann"), Map.of("name", "Bob")));
        assertEquals("people: 2 rows × 1 columns\nname\nAnn\nBob", text("people"));
    }

    @Test
    void exportsCsvJsonlAndHtml() throws Exception {
        Path csv = dir.resolve("out/t.csv");
        assertTrue(text("t", "--where", "status=ok", "--export", csv.toString()).endsWith("exported 2 rows to " + csv));
        assertEquals("city,n,status\nOslo,3,ok\nRome,4,ok\n", Files.readString(csv).replace("\r\n", "\n"));
        Path jsonl = dir.resolve("t.jsonl");
        text("t", "--columns", "city,n", "--export", jsonl.toString());
        assertEquals(List.of("{\"city\":\"Oslo\",\"n\":3}", "{\"city\":\"Lima\",\"n\":1}", "{\"city\":\"Rome\",\"n\":4}",
                "{\"city\":\"Kyiv\",\"n\":1}"), Files.readAllLines(jsonl));
        Path html = dir.resolve("t.html");
        text("t", "--export", html.toString());
        assertTrue(Files.readString(html).contains("<td align=\"left\" valign=\"top\" nowrap style=\"padding:2px 4px;vertical-align:top;text-align:left;"
                + "white-space:nowrap\">Kyiv</td>"));
    }

    @Test
    void errors() throws Exception {
        assertEquals("Failed to process '%table': name the table variable", error());
        assertEquals("Failed to process '%table nope': nope is not a notebook variable", error("nope"));
        assertEquals("Failed to process '%table t --where colour=red': --where: no column 'colour' (columns: city, n, status)",
                error("t", "--where", "colour=red"));
        assertEquals("Failed to process '%table t --where status': --where expects COL=VALUE, COL!=VALUE or a comparison such as score>0.5, got 'status'",
                error("t", "--where", "status"));
        assertEquals("Failed to process '%table t --sort n:up': --sort expects COL, COL:asc or COL:desc, got 'n:up'",
                error("t", "--sort", "n:up"));
        assertEquals("Failed to process '%table t --columns city,zip': --columns: no column 'zip' (columns: city, n, status)",
                error("t", "--columns", "city,zip"));
        assertEquals("Failed to process '%table t --export t.xlsx': --export writes .csv, .jsonl or .html files, got 't.xlsx'",
                error("t", "--export", "t.xlsx"));
        assertEquals("Failed to process '%table t --limit 0': --limit expects a positive integer, got '0'",
                error("t", "--limit", "0"));
        assertEquals("Failed to process '%table t u': unexpected argument 'u'", error("t", "u"));
        notebook.variables.put("n", 5);
        assertEquals("Failed to process '%table n': n is a java.lang.Integer, not a Table, a List<Map>, a List<String> or a .csv/.jsonl file",
                error("n"));
    }
}

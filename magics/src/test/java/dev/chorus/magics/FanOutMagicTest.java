package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

@Timeout(60)
class FanOutMagicTest {
    private final Session session = new Session();
    private final RecordingNotebook notebook = new RecordingNotebook();
    private final FanOutMagic magic = new FanOutMagic(session);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        session.close();
    }

    private Sandbox sandbox(Behavior behavior) throws Exception {
        session.env(Map.of());
        Sandbox sb = Sandbox.start(behavior);
        session.sandbox(sb);
        new ClientMagic(session).run(notebook, List.of());
        notebook.shown.clear();
        return sb;
    }

    private static List<String> column(Table t, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.rowCount(); i++) {
            out.add(TableRenderer.cell(t.column(name), i));
        }
        return out;
    }

    @Test
    void linesBecomePromptsAndResultsAreBoundInInputOrder() throws Exception {
        sandbox(Behavior.builder().latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(5)).build());
        Table t = (Table) magic.run(notebook, List.of("--concurrency", "2"), "a\n\n  b \nc\n");
        assertSame(t, notebook.variables.get("results"));
        assertEquals("tech.tablesaw.api.Table", notebook.types.get("results"));
        assertEquals(List.of("prompt", "answer", "status", "error", "cached", "latency_ms", "attempts", "prompt_tokens",
                "completion_tokens", "start_ms", "end_ms"), t.columnNames());
        assertEquals(List.of("a", "b", "c"), column(t, "prompt"));
        assertEquals(List.of("Echo: a", "Echo: b", "Echo: c"), column(t, "answer"));
        assertEquals(List.of("ok", "ok", "ok"), column(t, "status"));
        assertEquals(List.of("1", "1", "1"), column(t, "attempts"));
        assertEquals(List.of("2", "2", "2"), column(t, "completion_tokens"));

        List<RecordingNotebook.Shown> shown = notebook.shown();
        RecordingNotebook.Shown progress = shown.get(0);
        assertTrue(progress.text().startsWith("%%fanout [------------------------------] 0/3 · ok 0"), progress.text());
        assertNotNull(progress.id());
        RecordingNotebook.Shown finalProgress = shown.stream().filter(s -> s.update() && s.id().equals(progress.id()))
                .reduce((a, b) -> b).orElseThrow();
        assertTrue(finalProgress.text().startsWith("%%fanout [##############################] 3/3 · ok 3 · failed 0"),
                finalProgress.text());
        assertTrue(finalProgress.html().contains("chorus-progress"));
        RecordingNotebook.Shown summary = shown.get(shown.size() - 2);
        assertTrue(summary.text().startsWith("3 items: 3 ok, 0 failed, 0 timed out, 0 cancelled in "), summary.text());
        assertTrue(summary.html().contains("concurrency efficiency"));
        RecordingNotebook.Shown timeline = shown.get(shown.size() - 1);
        assertTrue(timeline.text().startsWith("timeline: 3 requests over "), timeline.text());
        assertTrue(((String) timeline.data().getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.parse("image/svg+xml")))
                .startsWith("<svg"));
    }

    @Test
    void overATableCopiesItsColumnsAndFillsTheTemplate() throws Exception {
        sandbox(Behavior.DEFAULT);
        Table rows = Table.create("rows", StringColumn.create("name", "ann", "bob"), IntColumn.create("n", 1, 2));
        notebook.variables.put("rows", rows);
        Table t = (Table) magic.run(notebook, List.of("--over", "rows", "--out", "r"), "Hi {name} #{n}");
        assertSame(t, notebook.variables.get("r"));
        assertEquals("name", t.columnNames().get(0));
        assertTrue(t.column("n") instanceof IntColumn, "input column types are kept");
        assertEquals(List.of("Echo: Hi ann #1", "Echo: Hi bob #2"), column(t, "answer"));
    }

    @Test
    void overListsAndFiles() throws Exception {
        sandbox(Behavior.DEFAULT);
        notebook.variables.put("words", List.of("x", "y"));
        Table t = (Table) magic.run(notebook, List.of("--over", "words"), "Say {it}");
        assertEquals(List.of("x", "y"), column(t, "it"));
        assertEquals(List.of("Echo: Say x", "Echo: Say y"), column(t, "answer"));

        notebook.variables.put("maps", List.of(Map.of("city", "Oslo"), Map.of("city", "Rome")));
        t = (Table) magic.run(notebook, List.of("--over", "maps"), "Visit {city}");
        assertEquals(List.of("Echo: Visit Oslo", "Echo: Visit Rome"), column(t, "answer"));

        Path csv = dir.resolve("in.csv");
        Files.writeString(csv, "city,prompt\nParis,p1\nLima,p2\n");
        t = (Table) magic.run(notebook, List.of("--over", csv.toString()), "Go to {city}");
        assertEquals(List.of("city", "input_prompt", "prompt"), t.columnNames().subList(0, 3));
        assertEquals(List.of("Echo: Go to Paris", "Echo: Go to Lima"), column(t, "answer"));

        Path jsonl = dir.resolve("in.jsonl");
        Files.writeString(jsonl, "{\"q\": \"one\"}\n\n{\"q\": \"two\"}\n");
        t = (Table) magic.run(notebook, List.of("--over", jsonl.toString()), "Q: {q}");
        assertEquals(List.of("Echo: Q: one", "Echo: Q: two"), column(t, "answer"));
    }

    @Test
    void badInputsAreOneLineAndRunNothing() throws Exception {
        Sandbox sb = sandbox(Behavior.DEFAULT);
        notebook.variables.put("rows", List.of(Map.of("name", "a", "n", 1)));
        notebook.variables.put("count", 3);
        assertEquals("Failed to process '%%fanout --over rows': {colour} is not a column of rows (columns: name, n)",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--over", "rows"), "{colour}"))
                        .headline().replace("columns: n, name", "columns: name, n"));
        assertEquals("Failed to process '%%fanout --over nope': --over nope is not a notebook variable",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--over", "nope"), "x")).headline());
        assertEquals("Failed to process '%%fanout --over count': --over count: count is a java.lang.Integer, not a Table, a List<Map>, a List<String> or a .csv/.jsonl file",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--over", "count"), "x")).headline());
        assertEquals("Failed to process '%%fanout --over missing.csv': --over missing.csv: file not found: missing.csv",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--over", "missing.csv"), "x")).headline());
        assertEquals("Failed to process '%%fanout': the cell body has no prompts (one per line, or a template with --over)",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of(), "\n \n")).headline());
        assertEquals("Failed to process '%%fanout --concurency 8': unknown option --concurency (did you mean --concurrency?)",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--concurency", "8"), "x")).headline());
        assertEquals("Failed to process '%%fanout --deadline soon': --deadline expects a duration like 500ms, 30s or 2m, got 'soon'",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--deadline", "soon"), "x")).headline());
        assertEquals(0, sb.stats().requests("chat"));
        assertTrue(notebook.shown().isEmpty());
    }

    @Test
    void failuresAreRowsAndCountedByCause() throws Exception {
        sandbox(Behavior.builder().failRate(1).faults(Fault.SERVER_500).build());
        Table t = (Table) magic.run(notebook, List.of("--retries", "1"), "a\nb");
        assertEquals(List.of("failed", "failed"), column(t, "status"));
        assertEquals(List.of("2", "2"), column(t, "attempts"));
        assertTrue(column(t, "error").get(0).contains("500"), column(t, "error").get(0));
        String summary = notebook.shown().get(notebook.shown().size() - 2).text();
        assertTrue(summary.contains("2 items: 0 ok, 2 failed"), summary);
        assertTrue(summary.contains("failures: ServerException × 2"), summary);
        assertTrue(TableRenderer.html(t, 20).contains("chorus-failed"));
    }

    @Test
    void checkpointResumesFinishedRows() throws Exception {
        Sandbox sb = sandbox(Behavior.DEFAULT);
        Path cp = dir.resolve("run.jsonl");
        String body = "one\ntwo\nthree";
        magic.run(notebook, List.of("--checkpoint", cp.toString()), body);
        long served = sb.stats().requests("chat");
        assertEquals(3, served);
        Table again = (Table) magic.run(notebook, List.of("--checkpoint", cp.toString()), body + "\nfour");
        assertEquals(4, sb.stats().requests("chat"), "only the new row ran");
        assertEquals(List.of("Echo: one", "Echo: two", "Echo: three", "Echo: four"), column(again, "answer"));
        String summary = notebook.shown().get(notebook.shown().size() - 2).text();
        assertTrue(summary.contains("3 resumed"), summary);
    }

    @Test
    void interruptKeepsFinishedRowsAndStillBinds() throws Exception {
        sandbox(Behavior.builder().latency(Duration.ofMillis(150)).build());
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            body.append("p").append(i).append('\n');
        }
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                magic.run(notebook, List.of("--concurrency", "2"), body.toString());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        cell.start();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until && notebook.shown().stream().noneMatch(s -> s.update() && s.text().contains("ok 2 ·"))) {
            Thread.sleep(20);
        }
        cell.interrupt();
        cell.join(20_000);
        // The cell ends as interrupted (so Run All stops), and says what it kept.
        assertInstanceOf(dev.chorus.magics.spi.PartlyDoneException.class, thrown.get());
        String message = thrown.get().getMessage();
        assertTrue(message.matches("interrupted: \\d+ of 40 rows finished and kept, \\d+ cancelled; results bound to results"),
                message);
        Table t = (Table) notebook.variables.get("results");
        assertNotNull(t);
        assertEquals(40, t.rowCount());
        List<String> status = column(t, "status");
        assertTrue(status.stream().filter("ok"::equals).count() >= 2, status.toString());
        assertTrue(status.contains("cancelled"), status.toString());
        assertTrue(status.stream().allMatch(s -> s.equals("ok") || s.equals("cancelled")), status.toString());
        assertTrue(notebook.allText().contains(message), notebook.allText());
        long cancelled = status.stream().filter("cancelled"::equals).count();
        assertTrue(message.endsWith(cancelled + " cancelled; results bound to results"), message);
        // Progress and summary count cancelled rows as cancelled, never as failed.
        RecordingNotebook.Shown progress = notebook.shown().stream().filter(RecordingNotebook.Shown::update)
                .reduce((a, b) -> b).orElseThrow();
        assertTrue(progress.text().contains("failed 0 · cancelled " + cancelled), progress.text());
        String summary = notebook.allText();
        assertTrue(summary.contains("0 failed, 0 timed out, " + cancelled + " cancelled"), summary);
        assertFalse(summary.contains("CancellationException"), summary);
    }

    @Test
    void backgroundReturnsAtOnceFillsTheBoundTableAndAnswersStatusAndCancel() throws Exception {
        sandbox(Behavior.builder().latency(Duration.ofMillis(20)).build());
        assertNull(magic.run(notebook, List.of("--background", "--concurrency", "2"), "a\nb\nc\nd"));
        Table t = (Table) notebook.variables.get("results");
        assertNotNull(t);
        assertEquals(4, t.rowCount());
        assertTrue(notebook.allText().contains("running in the background: results fills as rows finish"));
        assertEquals("Failed to process '%%fanout --background': a background fan-out is still running (%fanout status, %fanout cancel)",
                session.background().done() ? "Failed to process '%%fanout --background': a background fan-out is still running (%fanout status, %fanout cancel)"
                        : assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--background"), "x")).headline());
        session.background().handle().await();
        // The cell that started the run shows how it ended, in place: its progress display gains the
        // summary and where the results are, its "running in the background" line becomes the chart.
        String noteId = notebook.shown.stream().filter(s -> !s.update() && s.text() != null
                && s.text().startsWith("running in the background")).findFirst().orElseThrow().id();
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until && updatesOf(noteId).isEmpty()) {
            Thread.sleep(20);
        }
        RecordingNotebook.Shown chart = updatesOf(noteId).get(0);
        assertNotNull(chart.data().getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.IMAGE_PNG));
        assertTrue(((String) chart.data().getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.IMAGE_SVG))
                .startsWith("<svg"));
        assertTrue(chart.text().startsWith("timeline: 4 requests"), chart.text());
        assertTrue(notebook.shown.stream().anyMatch(s -> s.update() && s.html() != null && s.html().contains("chorus-summary")
                && s.html().contains("results: results") && !s.html().contains("<svg")), "summary in place, no SVG in HTML");
        String status = (String) magic.line(List.of("status")).getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
        assertTrue(status.contains("4/4 · ok 4"), status);
        assertTrue(status.contains("results: results"), status);
        assertEquals(List.of("Echo: a", "Echo: b", "Echo: c", "Echo: d"), column(t, "answer"));

        session.sandbox().behavior(Behavior.builder().latency(Duration.ofSeconds(30)).build());
        magic.run(notebook, List.of("--background", "--out", "slow"), "x\ny");
        assertEquals("Failed to process '%client --new': a background fan-out is running on the current client (%fanout cancel first)",
                assertThrows(MagicException.class, () -> new ClientMagic(session).run(notebook, List.of("--new"))).headline());
        String cancelled = (String) magic.line(List.of("cancel")).getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
        assertTrue(cancelled.contains("2 items: 0 ok, 0 failed, 0 timed out, 2 cancelled"), cancelled);
        assertEquals(List.of("cancelled", "cancelled"), column((Table) notebook.variables.get("slow"), "status"));
        assertEquals("Failed to process '%fanout pause': unknown subcommand 'pause' (status, cancel or guard)",
                assertThrows(MagicException.class, () -> magic.line(List.of("pause"))).headline());
    }

    private List<RecordingNotebook.Shown> updatesOf(String id) {
        synchronized (notebook) {
            return notebook.shown.stream().filter(s -> s.update() && id.equals(s.id())).toList();
        }
    }

    @Test
    void itemTimeoutAndDeadlineEndRowsAsTimedOut() throws Exception {
        sandbox(Behavior.builder().latency(Duration.ofSeconds(20)).build());
        Table t = (Table) magic.run(notebook, List.of("--timeout", "200ms", "--retries", "0"), "a\nb");
        assertEquals(List.of("timed_out", "timed_out"), column(t, "status"));
        t = (Table) magic.run(notebook, List.of("--deadline", "300ms", "--concurrency", "1"), "a\nb\nc");
        assertEquals("timed_out", column(t, "status").get(0));
        assertEquals(List.of("cancelled", "cancelled"), column(t, "status").subList(1, 3));
        String summary = notebook.shown().get(notebook.shown().size() - 2).text();
        assertTrue(summary.contains("3 items: 0 ok, 0 failed, 1 timed out, 2 cancelled"), summary);
    }

    @Test
    void rateLimitAndModelOptionsReachTheRequests() throws Exception {
        sandbox(Behavior.DEFAULT);
        Table t = (Table) magic.run(notebook, List.of("--rps", "50", "--model", "sandbox-small", "--max-tokens", "2",
                "--system", "Be terse."), "one two three");
        assertEquals(List.of("Echo: one"), column(t, "answer"));
        assertEquals(List.of("ok"), column(t, "status"));
    }
}

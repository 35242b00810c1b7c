package dev.chorus.magicstest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.kernel.ChorusKernel;
import dev.chorus.kernel.Execution;
import dev.chorus.magics.Chorus;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Chorus magics in a real ChorusKernel in this JVM, against the sandbox. */
@Timeout(120)
class MagicsInKernelTest {
    static final Messages MESSAGES = new Messages();
    static ChorusKernel kernel;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Chorus.environment(Map.of());
        kernel = ChorusKernel.builder().outlet(MESSAGES).build();
        ok("%client");
    }

    @AfterAll
    static void stop() {
        kernel.close();
        Chorus.reset();
        Chorus.environment(System.getenv());
    }

    @BeforeEach
    void clear() {
        Chorus.sandbox().behavior(Behavior.DEFAULT);
        MESSAGES.clear();
    }

    static Execution ok(String code) {
        Execution ex = kernel.execute(code);
        assertTrue(ex.ok(), () -> code + " failed: " + ex.traceback());
        return ex;
    }

    static String value(String code) {
        return ok(code).text();
    }

    @Test
    void clientIsBoundAndShowsTheSandboxWithTheSecretMasked() {
        String shown = ok("%client").text();
        assertTrue(shown.contains("from: sandbox: no EVOLUTION_* or OPENAI_* variables set"), shown);
        assertEquals(Chorus.sandbox().baseUrl(), value("client.baseUrl()").replace("\"", ""));
        assertFalse(MESSAGES.everything().contains(Chorus.sandbox().secret()));
    }

    @Test
    void badArgumentsAreOneLineAndNoStackTrace() {
        Execution ex = kernel.execute("%%fanout --concurency 8\nhello");
        assertFalse(ex.ok());
        assertEquals("Failed to process '%%fanout --concurency 8': unknown option --concurency (did you mean --concurrency?)",
                ex.error().evalue());
        assertEquals(ex.error().evalue(), ex.traceback().get(0));
        assertTrue(ex.traceback().get(1).startsWith("Usage: %%fanout [--over VAR|FILE.csv|FILE.jsonl]"), ex.traceback().toString());
        for (String line : ex.traceback()) {
            assertFalse(line.strip().startsWith("at "), "no stack trace: " + ex.traceback());
        }
        ex = kernel.execute("%table nope");
        assertEquals("Failed to process '%table nope': nope is not a notebook variable", ex.error().evalue());
    }

    @Test
    void promptStreamsIntoOneDisplayAndBindsAnswer() {
        Chorus.sandbox().behavior(Behavior.builder().chunkDelay(Duration.ofMillis(20)).build());
        ok("String topic = \"otters\";");
        MESSAGES.clear();
        ok("%%prompt\nTell me about {topic}.");
        assertEquals("Echo: Tell me about otters.", value("answer"));
        List<PublishDisplayData> displays = MESSAGES.displays();
        assertEquals(1, displays.size(), "one display");
        String id = displays.get(0).getDisplayId();
        assertNotNull(id);
        List<PublishUpdateDisplayData> updates = MESSAGES.updates();
        assertFalse(updates.isEmpty());
        updates.forEach(u -> assertEquals(id, u.getDisplayId()));
        String last = Messages.text(updates.get(updates.size() - 1));
        assertTrue(last.startsWith("Echo: Tell me about otters.\n— "), last);
        assertTrue(last.endsWith("completion tokens"), last);
    }

    @Test
    void fanOutBindsTheTableUpdatesOneProgressDisplayAndTableFilters() {
        ok("List<String> animals = new ArrayList<>(); for (int i = 0; i < 60; i++) animals.add(\"animal \" + i);");
        MESSAGES.clear();
        Execution ex = ok("%%fanout --over animals --concurrency 8\nDescribe {it}");
        assertTrue(Messages.html(ex.result()).contains("chorus-table"), "the result table is the cell's value");
        assertEquals("60", value("results.rowCount()"));
        assertEquals("60", value("results.stringColumn(\"status\").countOccurrences(\"ok\")"));
        assertEquals("Echo: Describe animal 59", value("results.stringColumn(\"answer\").get(59)"));
        List<PublishDisplayData> displays = MESSAGES.displays();
        String progressId = displays.get(0).getDisplayId();
        assertTrue(Messages.text(displays.get(0)).startsWith("%%fanout --over animals [---"), Messages.text(displays.get(0)));
        List<PublishUpdateDisplayData> updates = MESSAGES.updates();
        assertFalse(updates.isEmpty());
        updates.forEach(u -> assertEquals(progressId, u.getDisplayId(), "one progress display"));
        assertTrue(Messages.text(updates.get(updates.size() - 1)).contains("60/60 · ok 60 · failed 0"));
        assertTrue(displays.stream().anyMatch(d -> Messages.text(d).startsWith("60 items: 60 ok")), "summary shown");
        assertTrue(displays.stream().anyMatch(d -> d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType
                .parse("image/svg+xml")) != null), "timeline shown");

        String table = ok("%table results --where status=ok --columns it,answer --sort it:desc --limit 4").text();
        assertTrue(table.startsWith("results where status=ok: 60 rows × 2 columns"), table);
        assertTrue(table.contains("animal 9  Echo: Describe animal 9"), table);
        assertTrue(table.contains("… 56 more rows …"), table);
    }

    @Test
    void interruptKeepsFinishedRowsAndBindsResults() throws Exception {
        Chorus.sandbox().behavior(Behavior.builder().latency(Duration.ofMillis(200)).build());
        AtomicReference<Execution> ex = new AtomicReference<>();
        Thread t = new Thread(() -> ex.set(kernel.execute(
                "%%fanout --concurrency 2 --out slow\n" + "p\n".repeat(40))));
        t.start();
        MESSAGES.await(c -> c instanceof PublishUpdateDisplayData u && Messages.text(u).contains("ok 2 ·"));
        kernel.interrupt();
        t.join(20_000);
        assertNotNull(ex.get());
        assertEquals("40", value("slow.rowCount()"));
        int ok = Integer.parseInt(value("slow.stringColumn(\"status\").countOccurrences(\"ok\")"));
        int cancelled = Integer.parseInt(value("slow.stringColumn(\"status\").countOccurrences(\"cancelled\")"));
        assertTrue(ok >= 2, "finished rows kept: " + ok);
        assertTrue(cancelled >= 1, "the rest cancelled: " + cancelled);
        assertEquals(40, ok + cancelled);
        assertTrue(MESSAGES.everything().contains("interrupted: "), "the user is told");
    }

    @Test
    void checkpointResumesInTheKernel() {
        String cp = dir.resolve("cp.jsonl").toString().replace("\\", "/");
        ok("%%fanout --checkpoint " + cp + "\none\ntwo");
        long before = Chorus.sandbox().stats().requests("chat");
        ok("%%fanout --checkpoint " + cp + "\none\ntwo\nthree");
        assertEquals(before + 1, Chorus.sandbox().stats().requests("chat"), "finished rows are skipped");
        assertEquals("Echo: one", value("results.stringColumn(\"answer\").get(0)"));
        assertTrue(MESSAGES.everything().contains("2 resumed"));
    }

    @Test
    void backgroundReturnsAtOnceAndKeepsFilling() throws Exception {
        Chorus.sandbox().behavior(Behavior.builder().latency(Duration.ofMillis(100)).build());
        Execution ex = ok("%%fanout --background --concurrency 2 --out bg\na\nb\nc\nd\ne\nf");
        assertEquals(null, ex.result());
        assertEquals("6", value("bg.rowCount()"));
        assertTrue(value("bg.stringColumn(\"status\").countOccurrences(\"pending\")").matches("[1-6]"));
        ok("%fanout status");
        List<PublishDisplayData> shown = MESSAGES.displays();
        String status = Messages.text(shown.get(shown.size() - 1));
        assertTrue(status.startsWith("%%fanout ["), "a live progress display: " + status);
        MESSAGES.await(c -> c instanceof PublishUpdateDisplayData u && Messages.text(u).contains("6 items: 6 ok"));
        assertEquals("6", value("bg.stringColumn(\"status\").countOccurrences(\"ok\")"));
        assertTrue(ok("%fanout status").text().contains("results: bg"));
    }

    @Test
    void javaTwinRunsTheSameFanOutFromCode() {
        String rows = value("var t = dev.chorus.magics.Chorus.fanout(\"Say {it}\", List.of(\"x\", \"y\", \"z\"), \"--concurrency 2\");"
                + " t.stringColumn(\"answer\").asList()");
        assertEquals("[Echo: Say x, Echo: Say y, Echo: Say z]", rows);
        assertEquals("Echo: hi", value("dev.chorus.magics.Chorus.prompt(\"hi\")"));
    }

    @Test
    void secretsNeverAppearInAnyOutput() {
        try (Sandbox other = Sandbox.start(Behavior.builder().credentials("kid-12345678", "very-secret-value-42").build())) {
            Chorus.environment(Map.of("SB_SECRET", other.secret()));
            try {
                ok("%client --base-url " + other.baseUrl() + " --token-url " + other.tokenUrl()
                        + " --key-id kid-12345678 --secret $SB_SECRET --model default");
                ok("%%prompt\nhello");
                ok("%client");
                Execution bad = kernel.execute("%client --secret very-secret-value-42 --key-id x --bogus");
                assertFalse(bad.ok());
                String all = MESSAGES.everything() + String.join("\n", bad.traceback()) + bad.error().evalue();
                assertFalse(all.contains("very-secret-value-42"), all);
                assertTrue(all.contains("--secret ***"), all);
            } finally {
                Chorus.environment(Map.of());
                ok("%client --new");
            }
        }
    }

    @Test
    void helpListsEveryChorusMagicWithItsUsage() {
        ok("%help");
        String help = MESSAGES.everything();
        for (String usage : List.of("%client [--base-url URL]", "%%prompt [--model M]", "%%fanout [--over VAR|FILE.csv|FILE.jsonl]",
                "%fanout status | cancel", "%table VAR [--limit N]", "%sandbox start [--port P]")) {
            assertTrue(help.contains(usage), usage + " in " + help);
        }
        assertTrue(ok("%fanout --help").text().startsWith("%%fanout [--over"));
    }
}

package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel in this JVM, driven without ZeroMQ: rendering, errors, magics, history, completion. */
class ChorusKernelTest {

    static final Recorder RECORDER = new Recorder();
    static ChorusKernel kernel;

    @BeforeAll
    static void start() {
        kernel = ChorusKernel.builder().outlet(RECORDER).build();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @BeforeEach
    void clear() {
        RECORDER.clear();
    }

    @Test
    void finalExpressionIsRenderedWithTextPlain() {
        Execution ex = kernel.execute("int a = 20;\na + 22");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("42", ex.text());
        PublishExecuteResult r = RECORDER.of(PublishExecuteResult.class).get(0);
        assertEquals("42", Recorder.text(r));
        assertEquals(ex.count(), r.getCount());
    }

    @Test
    void idleMillisIsZeroWhileACellRunsAndCountsAfter() throws InterruptedException {
        Execution during = kernel.execute("((dev.chorus.magics.spi.KernelActivity) "
                + "org.dflib.jjava.jupyter.kernel.BaseKernel.notebookKernel()).idleMillis()");
        assertTrue(during.ok(), () -> during.traceback().toString());
        assertEquals("0", during.text());
        Thread.sleep(120);
        long after = kernel.idleMillis();
        assertTrue(after >= 100, "idle for " + after + " ms after sleeping 120");
    }

    @Test
    void statementsHaveNoResult() {
        Execution ex = kernel.execute("int unused = 1;");
        assertTrue(ex.ok());
        assertNull(ex.result());
        assertTrue(RECORDER.of(PublishExecuteResult.class).isEmpty());
    }

    @Test
    void printedTextIsStreamed() {
        Execution ex = kernel.execute("System.out.println(\"hello\"); System.out.print(\"no newline\");");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("hello\nno newline", RECORDER.stdout());
    }

    @Test
    void compileErrorIsReported() {
        Execution ex = kernel.execute("int x = \"text\";");
        assertFalse(ex.ok());
        assertEquals("CompileError", ex.error().ename());
        assertTrue(String.join("\n", ex.traceback()).contains("incompatible types"), ex.traceback().toString());
        PublishError e = RECORDER.of(PublishError.class).get(0);
        assertEquals("CompileError", e.getErrorName());
    }

    @Test
    void runtimeExceptionNamesTypeAndMessageWithoutKernelFrames() {
        Execution ex = kernel.execute("throw new IllegalStateException(\"boom\");");
        assertFalse(ex.ok());
        assertEquals("IllegalStateException", ex.error().ename());
        assertEquals("boom", ex.error().evalue());
        assertTrue(ex.traceback().get(0).contains("IllegalStateException: boom"), ex.traceback().toString());
        for (String line : ex.traceback()) {
            assertFalse(line.contains("dev.chorus.kernel.ChorusKernel"), line);
            assertFalse(line.contains("jdk.jshell"), line);
        }
    }

    @Test
    void definitionsSurviveAFailingCell() {
        assertTrue(kernel.execute("String kept = \"still here\";").ok());
        assertFalse(kernel.execute("throw new RuntimeException(\"x\");").ok());
        assertEquals("still here", kernel.execute("kept").text().replace("\"", ""));
    }

    @Test
    void helpListsEveryMagicWithUsageIncludingLateRegistrations() {
        kernel.getMagicsRegistry().registerLineMagic("late", new LateMagic());
        Execution ex = kernel.execute("%help");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        String out = RECORDER.stdout();
        assertTrue(out.contains("%maven GROUP:ARTIFACT:VERSION"), out);
        assertTrue(out.contains("%classpath PATH|GLOB"), out);
        assertTrue(out.contains("%load FILE"), out);
        assertTrue(out.contains("%time STATEMENT"), out);
        assertTrue(out.contains("%help"), out);
        assertTrue(out.contains("%late WHATEVER"), out);
        assertTrue(out.contains("Cell magics"), out);
    }

    /** A magic from "another module", registered after start, that describes itself. */
    public static class LateMagic implements LineMagic<String, BaseKernel>, dev.chorus.magics.spi.Described {
        @Override
        public String usage() {
            return "%late WHATEVER\n  Registered after start.";
        }

        @Override
        public String eval(BaseKernel kernel, List<String> args) {
            return "late:" + args;
        }
    }

    @Test
    void mavenBadCoordinateIsOneLineWithUsage() {
        Execution ex = kernel.execute("%maven foo");
        assertFalse(ex.ok());
        assertEquals("MagicError", ex.error().ename());
        assertEquals("Failed to process '%maven foo': bad coordinate 'foo' (expected group:artifact:version)",
                ex.error().evalue());
        assertEquals(List.of(
                "Failed to process '%maven foo': bad coordinate 'foo' (expected group:artifact:version)",
                "Usage: %maven GROUP:ARTIFACT:VERSION [GROUP:ARTIFACT:VERSION ...]",
                "  Adds artifacts and their dependencies from Maven Central to the class path,",
                "  e.g. %maven org.apache.commons:commons-lang3:3.17.0"), ex.traceback());
    }

    @Test
    void mavenWithoutArgumentsSaysWhatIsMissing() {
        Execution ex = kernel.execute("%maven");
        assertEquals("Failed to process '%maven': missing GROUP:ARTIFACT:VERSION", ex.error().evalue());
    }

    @Test
    void unknownMagicIsOneLineWithSuggestion() {
        Execution ex = kernel.execute("%mavne a:b:1");
        assertEquals("MagicError", ex.error().ename());
        assertEquals("Failed to process '%mavne a:b:1': unknown line magic %mavne (did you mean %maven?)",
                ex.error().evalue());
        assertEquals("%help lists every magic with its usage", ex.traceback().get(1));
        Execution cell = kernel.execute("%%nosuch\nbody");
        assertEquals("Failed to process '%%nosuch': unknown cell magic %%nosuch", cell.error().evalue());
    }

    @Test
    void quotedCommandsMaskSecretOptionValues() {
        Execution ex = kernel.execute("%zzqq --secret abc123 --api-key=xyz789 --token $TOK --key-id visible");
        assertEquals("Failed to process '%zzqq --secret *** --api-key=*** --token $TOK --key-id visible': "
                + "unknown line magic %zzqq", ex.error().evalue());
        assertFalse(String.join("\n", ex.traceback()).contains("abc123"));
    }

    @Test
    void anExceptionWithoutUsageMeansTheWorkFailed() {
        kernel.getMagicsRegistry().registerLineMagic("work", new LateMagic() {
            @Override
            public String eval(BaseKernel kernel, List<String> args) {
                throw new WorkFailed("server answered 503");
            }
        });
        Execution ex = kernel.execute("%work now");
        assertEquals(List.of("Failed to process '%work now': server answered 503"), ex.traceback());
    }

    /** Like the magics module's exception: describing itself with no usage says the arguments were fine. */
    public static final class WorkFailed extends IllegalArgumentException implements dev.chorus.magics.spi.Described {
        private static final long serialVersionUID = 1L;

        WorkFailed(String message) {
            super(message);
        }

        @Override
        public String usage() {
            return null;
        }
    }

    @Test
    void timePrintsWallTimeAndKeepsTheValue() {
        Execution ex = kernel.execute("%time 6 * 7");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("42", ex.text());
        assertTrue(RECORDER.stdout().matches("Wall time: [0-9.]+ (ms|s)\n"), RECORDER.stdout());

        RECORDER.clear();
        Execution cell = kernel.execute("%%time\nint t = 5;\nt * 2");
        assertTrue(cell.ok(), () -> cell.traceback().toString());
        assertEquals("10", cell.text());
        assertTrue(RECORDER.stdout().startsWith("Wall time: "), RECORDER.stdout());
    }

    @Test
    void timedCodeFailureIsTheCodesError() {
        Execution ex = kernel.execute("%time Integer.parseInt(\"x\")");
        assertEquals("NumberFormatException", ex.error().ename());
        Execution missing = kernel.execute("%time");
        assertEquals("Failed to process '%time': missing STATEMENT", missing.error().evalue());
    }

    @Test
    void loadRunsAFileAsTheCell(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("setup.jsh");
        Files.writeString(file, "int loaded = 40;\nloaded + 2\n");
        Execution ex = kernel.execute("%load " + file);
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("42", ex.text());
        Execution missing = kernel.execute("%load " + dir.resolve("nope.jsh"));
        assertEquals("Failed to process '%load " + dir.resolve("nope.jsh") + "': no such file '"
                + dir.resolve("nope.jsh") + "'", missing.error().evalue());
        assertEquals("Usage: %load FILE", missing.traceback().get(1));
    }

    @Test
    void classpathRejectsMissingPathsAndGlobsThatMatchNothing(@TempDir Path dir) {
        Execution ex = kernel.execute("%classpath " + dir.resolve("missing.jar"));
        assertEquals("Failed to process '%classpath " + dir.resolve("missing.jar") + "': no such file or folder '"
                + dir.resolve("missing.jar") + "'", ex.error().evalue());
        Execution glob = kernel.execute("%classpath " + dir + "/*.jar");
        assertEquals("Failed to process '%classpath " + dir + "/*.jar': no file matches '" + dir + "/*.jar'",
                glob.error().evalue());
    }

    @Test
    void classpathAddsAFolderOfClasses(@TempDir Path dir) throws Exception {
        Path pkg = Files.createDirectories(dir.resolve("demo"));
        Path src = pkg.resolve("Greeting.java");
        Files.writeString(src, "package demo; public class Greeting { public static String hi() { return \"hi from classpath\"; } }");
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString());
        assertEquals(0, rc);
        Files.delete(src);
        Execution ex = kernel.execute("%classpath " + dir + "\ndemo.Greeting.hi()");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("hi from classpath", ex.text().replace("\"", ""));
        assertTrue(RECORDER.stdout().startsWith("Added to the class path: " + dir), RECORDER.stdout());
    }

    @Test
    void historyKeepsExecutedCells() {
        kernel.execute("int historyMarker = 7;");
        kernel.execute("historyMarker * 6");
        HistoryManager h = kernel.getHistoryManager();
        List<HistoryEntry> tail = h.lookupTail(2, EnumSet.of(HistoryManager.ResultFlag.INCLUDE_OUTPUT));
        assertEquals(2, tail.size());
        assertEquals("int historyMarker = 7;", tail.get(0).getInput());
        assertEquals("historyMarker * 6", tail.get(1).getInput());
        assertEquals("42", tail.get(1).getOutput());
        assertEquals(1, tail.get(1).getSession());
        List<HistoryEntry> found = h.search("*historyMarker \\* 6*".replace("\\", ""), 10, EnumSet.noneOf(HistoryManager.ResultFlag.class));
        assertEquals(1, found.size());
        int n = tail.get(0).getCellNumber();
        List<HistoryEntry> range = h.lookupRange(0, n, n + 1, EnumSet.noneOf(HistoryManager.ResultFlag.class));
        assertEquals(List.of("int historyMarker = 7;"), range.stream().map(HistoryEntry::getInput).toList());
        List<HistoryEntry> bySessionNumber = h.lookupRange(1, n, n + 1, EnumSet.noneOf(HistoryManager.ResultFlag.class));
        assertEquals(1, bySessionNumber.size());
        assertTrue(h.lookupRange(-1, n, n + 1, EnumSet.noneOf(HistoryManager.ResultFlag.class)).isEmpty());
    }

    @Test
    void completesMagicNamesAndOptions() {
        ReplacementOptions line = kernel.complete("%ma", 3);
        assertEquals(List.of("%maven"), line.getReplacements());
        assertEquals(0, line.getSourceStart());
        assertEquals(3, line.getSourceEnd());
        ReplacementOptions cell = kernel.complete("%%ti", 4);
        assertEquals(List.of("%%time"), cell.getReplacements());
        ReplacementOptions second = kernel.complete("int a = 1;\n%clas", 16);
        assertEquals(List.of("%classpath"), second.getReplacements());
        assertEquals(11, second.getSourceStart());
    }

    @Test
    void completesTheOptionsAMagicDeclares() {
        kernel.getMagicsRegistry().registerLineMagic("opt", new OptMagic());
        ReplacementOptions o = kernel.complete("%opt x --al", 11);
        assertEquals(List.of("--alpha"), o.getReplacements());
        assertEquals(7, o.getSourceStart());
        assertEquals(List.of("--alpha", "--beta"), kernel.complete("%opt --", 7).getReplacements());
    }

    /** A magic that names its options. */
    public static final class OptMagic implements LineMagic<String, BaseKernel>, dev.chorus.magics.spi.Described {
        @Override
        public String usage() {
            return "%opt NAME [--alpha N] [--beta]";
        }

        @Override
        public List<String> options() {
            return List.of("--beta", "--alpha");
        }

        @Override
        public String eval(BaseKernel kernel, List<String> args) {
            return String.join(",", args);
        }
    }

    @Test
    void completesJavaThroughTheEvaluator() {
        ReplacementOptions o = kernel.complete("String s = \"\"; s.toUpperC", 25);
        assertTrue(o.getReplacements().stream().anyMatch(r -> r.startsWith("toUpperCase")), o.getReplacements().toString());
    }

    @Test
    void magicLinesAreComplete() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("%maven a:b:1"));
        // A cell magic waits for its body, which a blank line ends (as IPython answers a console).
        assertEquals("", kernel.isComplete("%%prompt"));
        assertEquals("", kernel.isComplete("%%time\nfor (int i = 0;"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("%%time\nfor (int i = 0; i < 2; i++) { }\n"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int a = 1;"));
        String incomplete = kernel.isComplete("for (int i = 0; i < 3; i++) {");
        assertFalse(incomplete.equals(BaseKernel.IS_COMPLETE_YES) || incomplete.equals(BaseKernel.IS_COMPLETE_BAD), incomplete);
    }

    @Test
    void inspectsJavaWithTheCursorRightAfterTheToken() {
        assertTrue(kernel.execute("String text = \"abc\";").ok());
        String code = "int n = 1;\ntext.length";
        DisplayData d = kernel.inspect(code, code.length(), false);
        assertNotNull(d);
        assertTrue(Recorder.text(d).contains("length()"), Recorder.text(d));
    }

    @Test
    void invalidCodeIsReportedAsInvalid() {
        assertEquals(BaseKernel.IS_COMPLETE_BAD, kernel.isComplete("int 1x = ;)"));
    }

    @Test
    void extensionsOnAnAddedClassPathAreLoaded(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/demoext"));
        Files.writeString(src.resolve("DemoExtension.java"), """
                package demoext;
                public class DemoExtension implements org.dflib.jjava.jupyter.Extension {
                    public void install(org.dflib.jjava.jupyter.kernel.BaseKernel kernel) {
                        kernel.getMagicsRegistry().registerLineMagic("demoext", new Magic());
                    }
                    public static class Magic implements org.dflib.jjava.jupyter.kernel.magic.LineMagic<String, org.dflib.jjava.jupyter.kernel.BaseKernel>,
                            dev.chorus.magics.spi.Described {
                        public String usage() { return "%demoext NAME\\n  Greets NAME."; }
                        public String eval(org.dflib.jjava.jupyter.kernel.BaseKernel k, java.util.List<String> args) {
                            if (args.size() != 1) throw new IllegalArgumentException("expected one NAME");
                            return "hello " + args.get(0);
                        }
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("DemoExtension.java").toString());
        assertEquals(0, rc);
        Path services = Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(services.resolve("org.dflib.jjava.jupyter.Extension"), "demoext.DemoExtension\n");

        assertTrue(kernel.execute("%classpath " + classes).ok());
        Execution ex = kernel.execute("%demoext world");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("hello world", ex.text().replace("\"", ""));
        Execution bad = kernel.execute("%demoext");
        assertEquals(List.of("Failed to process '%demoext': expected one NAME", "Usage: %demoext NAME", "  Greets NAME."),
                bad.traceback());
        RECORDER.clear();
        kernel.execute("%help");
        assertTrue(RECORDER.stdout().contains("%demoext NAME"), RECORDER.stdout());
    }

    @Test
    void inspectingAMagicShowsItsUsage() {
        DisplayData d = kernel.inspect("%maven org.x:y:1", 3, false);
        assertNotNull(d);
        assertTrue(Recorder.text(d).contains("%maven GROUP:ARTIFACT:VERSION"), Recorder.text(d));
    }

    @Test
    void displayAndUpdateWorkFromABackgroundThreadAfterTheCellReturned() throws Exception {
        Execution ex = kernel.execute("""
                String id = display("step 0");
                new Thread(() -> {
                    try { Thread.sleep(200); } catch (InterruptedException e) { }
                    updateDisplay(id, "step 1");
                }).start();
                id
                """);
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        String id = ex.text().replace("\"", "");
        PublishDisplayData shown = RECORDER.of(PublishDisplayData.class).get(0);
        assertEquals(id, shown.getDisplayId());
        PublishUpdateDisplayData update = (PublishUpdateDisplayData) RECORDER.await(c -> c instanceof PublishUpdateDisplayData);
        assertEquals(id, update.getDisplayId());
        assertEquals("step 1", Recorder.text(update).replace("\"", ""));
    }

    @Test
    void jupyterIoDisplayWorksFromAnyThread() throws Exception {
        DisplayData data = new DisplayData("from a magic thread");
        data.setDisplayId("magic-1");
        Thread t = new Thread(() -> kernel.getIO().display.display(data));
        t.start();
        t.join();
        RECORDER.await(c -> c instanceof PublishDisplayData d && "magic-1".equals(d.getDisplayId()));
        DisplayData updated = new DisplayData("updated");
        kernel.getIO().display.updateDisplay("magic-1", updated);
        RECORDER.await(c -> c instanceof PublishUpdateDisplayData u && "updated".equals(Recorder.text(u)));
    }

    @Test
    void interruptStopsARunningMagicAndTheNextCellRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        kernel.getMagicsRegistry().registerLineMagic("block", (LineMagic<Object, BaseKernel>) (k, args) -> {
            started.countDown();
            Thread.sleep(60_000);
            return "not reached";
        });
        Thread interrupter = new Thread(() -> {
            try {
                if (started.await(20, TimeUnit.SECONDS)) {
                    kernel.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        interrupter.start();
        Execution ex = kernel.execute("%block");
        interrupter.join();
        assertEquals("Interrupted", ex.error().ename());
        assertEquals("the cell was interrupted; everything defined before it is kept", ex.error().evalue());
        assertTrue(kernel.execute("1 + 1").ok());
    }

    @Test
    void systemExitIsAnErrorAndTheKernelSurvives() {
        assertTrue(kernel.execute("int beforeExit = 5;").ok());
        Execution ex = kernel.execute("System.exit(3);");
        assertEquals("SystemExit", ex.error().ename());
        assertEquals("System.exit(3) was called; the kernel keeps running", ex.error().evalue());
        assertEquals("10", kernel.execute("beforeExit * 2").text());
    }

    @Test
    void interruptStopsABusyLoopAndDefinitionsSurvive() throws Exception {
        assertTrue(kernel.execute("int beforeLoop = 3;").ok());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread interrupter = new Thread(() -> {
            // keep asking until the cell is gone: an interrupt before the loop starts is a no-op
            while (!done.get()) {
                kernel.interrupt();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        interrupter.start();
        Execution ex;
        try {
            ex = kernel.execute("long spins = 0;\nwhile (true) { spins++; }");
        } finally {
            done.set(true);
            interrupter.join();
        }
        assertEquals("Interrupted", ex.error().ename());
        assertEquals("the cell was interrupted; everything defined before it is kept", ex.error().evalue());
        assertEquals("6", kernel.execute("beforeLoop * 2").text());
    }

    @Test
    void magicReturnValueIsTheCellResult() {
        kernel.getMagicsRegistry().registerLineMagic("late", new LateMagic());
        Execution ex = kernel.execute("%late x \"y z\"");
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        assertEquals("late:[x, y z]", ex.text().replace("\"", ""));
    }

    @Test
    void aNullValueShowsNullLikeJShell() {
        Execution put = kernel.execute("java.util.Map<String, String> fresh = new java.util.HashMap<>();\nfresh.put(\"a\", \"b\")");
        assertTrue(put.ok(), () -> put.traceback().toString());
        assertEquals("null", put.text());
        assertEquals("null", Recorder.text(RECORDER.of(PublishExecuteResult.class).get(0)));
        Execution literal = kernel.execute("null");
        assertTrue(literal.ok(), () -> literal.traceback().toString());
        assertEquals("null", literal.text());
    }

    @Test
    void aFinalExpressionWithItsOwnSemicolonRunsWithoutShowingItsValue() {
        Execution added = kernel.execute("List<Integer> seen = new ArrayList<>();\nseen.add(1);");
        assertTrue(added.ok(), () -> added.traceback().toString());
        assertNull(added.result(), "a terminated expression shows no value");
        Execution shown = kernel.execute("seen.add(2)");
        assertEquals("true", shown.text());
        Execution displayed = kernel.execute("display(\"shown once\");");
        assertTrue(displayed.ok(), () -> displayed.traceback().toString());
        assertNull(displayed.result(), "the display id is not shown as a value");
        assertEquals(Boolean.TRUE, kernel.evalRaw("seen.add(3);"), "evalRaw still returns the value");
        assertEquals("[1, 2, 3]", kernel.execute("seen").text());
    }

    @Test
    void displayDataIsPublishedAsIs() throws Exception {
        Execution ex = kernel.execute("""
                var page = new org.dflib.jjava.jupyter.kernel.display.DisplayData("plain page");
                page.putHTML("<b>page</b>");
                String pageId = display(page);
                var next = new org.dflib.jjava.jupyter.kernel.display.DisplayData("plain next");
                next.putHTML("<i>next</i>");
                updateDisplay(pageId, next);
                pageId
                """);
        assertTrue(ex.ok(), () -> ex.traceback().toString());
        PublishDisplayData shown = RECORDER.of(PublishDisplayData.class).get(0);
        assertEquals("plain page", Recorder.text(shown));
        assertEquals("<b>page</b>", shown.getData(MIMEType.TEXT_HTML));
        assertEquals(ex.text().replace("\"", ""), shown.getDisplayId());
        PublishUpdateDisplayData update = RECORDER.of(PublishUpdateDisplayData.class).get(0);
        assertEquals("plain next", Recorder.text(update));
        assertEquals("<i>next</i>", update.getData(MIMEType.TEXT_HTML));
    }

    @Test
    void theConsoleStreamsAreNotACellValue() {
        Execution printf = kernel.execute("System.out.printf(\"%d items%n\", 5)");
        assertTrue(printf.ok(), () -> printf.traceback().toString());
        assertNull(printf.result());
        assertEquals("5 items\n", RECORDER.stdout());
        for (String cell : List.of("System.out.append(\"a\")", "System.out.format(\"b\")", "System.err.append(\"c\")",
                "org.dflib.jjava.jupyter.kernel.BaseKernel.notebookKernel().getIO().out.append(\"d\")")) {
            Execution ex = kernel.execute(cell);
            assertTrue(ex.ok(), () -> cell + ": " + ex.traceback());
            assertNull(ex.result(), cell);
        }
        assertTrue(RECORDER.of(PublishExecuteResult.class).isEmpty(), RECORDER.messages().toString());
        Execution other = kernel.execute("new java.io.PrintStream(new java.io.ByteArrayOutputStream()).append(\"e\")");
        assertTrue(other.ok(), () -> other.traceback().toString());
        assertTrue(other.text().startsWith("java.io.PrintStream@"), other.text());
    }
}

package dev.chorus.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start, the cell thread, start-up imports and close. */
class LifecycleTest {

    private static boolean cellThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void cellsRunOnTheEvaluatorsOwnPlatformThreadAndCloseEndsIt() throws Exception {
        JShellEvaluator evaluator = JShellEvaluator.start(EvaluatorOptions.defaults());
        EvalResult r = evaluator.eval("Thread.currentThread()");
        Thread cellThread = (Thread) assertInstanceOf(EvalResult.Value.class, r).value();
        assertTrue(cellThread.getName().startsWith("chorus-cell-"), cellThread.getName());
        assertFalse(cellThread.isVirtual());
        assertTrue(cellThreadAlive(cellThread.getName()));
        evaluator.close();
        cellThread.join(10_000);
        assertFalse(cellThread.isAlive());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> evaluator.eval("1"));
        assertEquals("the evaluator is closed", closed.getMessage());
        evaluator.close();
    }

    @Test
    void closeStopsARunningCell() throws Exception {
        JShellEvaluator evaluator = JShellEvaluator.start(EvaluatorOptions.defaults());
        CountDownLatch started = new CountDownLatch(1);
        evaluator.bind("started", CountDownLatch.class.getName(), started);
        CompletableFuture<EvalResult> cell = CompletableFuture.supplyAsync(
                () -> evaluator.eval("started.countDown();\nwhile (true) { }"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        evaluator.close();
        assertInstanceOf(EvalResult.Interrupted.class, cell.get(10, TimeUnit.SECONDS));
    }

    @Test
    void startUpImportsAreConfigurableAndBadOnesAreWarnedAbout() {
        List<String> warnings = new java.util.ArrayList<>();
        try (JShellEvaluator evaluator = JShellEvaluator.start(EvaluatorOptions.builder()
                .imports(List.of("import java.util.concurrent.atomic.*;", "import no.such.pkg.Thing;"))
                .warnings(warnings::add)
                .build())) {
            assertEquals(1L, assertInstanceOf(EvalResult.Value.class,
                    evaluator.eval("new AtomicLong(1).get()")).value());
            assertInstanceOf(EvalResult.CompileError.class, evaluator.eval("new ArrayList<String>()"));
            assertEquals(List.of("start-up import failed: import no.such.pkg.Thing;"), warnings);
        }
    }
}

package dev.chorus.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Interrupting cells blocked in sleep, futures and busy loops, and binding from another thread
 * while a cell runs. Every wait is bounded (10 s) so a failure cannot hang the build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CellInterruptTest {
    private static final long WAIT_SECONDS = 10;

    private JShellEvaluator evaluator;

    @BeforeAll
    void start() {
        evaluator = JShellEvaluator.start(EvaluatorOptions.defaults());
        evaluator.eval("int survivor = 42;");
    }

    @AfterAll
    void close() {
        evaluator.close();
    }

    /** Runs {@code body} after the cell signals it started, interrupts it, and returns its outcome. */
    private EvalResult interruptWhileRunning(String body) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        evaluator.bind("started", CountDownLatch.class.getName(), started);
        CompletableFuture<EvalResult> result = CompletableFuture.supplyAsync(
                () -> evaluator.eval("started.countDown();\n" + body));
        assertEquals(true, started.await(WAIT_SECONDS, TimeUnit.SECONDS), "the cell did not start");
        evaluator.interrupt();
        EvalResult r = result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(42, ((EvalResult.Value) evaluator.eval("survivor")).value(), "state before the interrupt survives");
        assertEquals(3, ((EvalResult.Value) evaluator.eval("1 + 2")).value(), "the next cell runs normally");
        return r;
    }

    @Test
    void interruptsSleep() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("Thread.sleep(60_000);"));
    }

    @Test
    void interruptsFutureGet() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class,
                interruptWhileRunning("new CompletableFuture<String>().get();"));
    }

    @Test
    void interruptsObjectWaitAndSemaphoreAndInterruptibleLocks() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class,
                interruptWhileRunning("Object monitor = new Object();\nsynchronized (monitor) { monitor.wait(); }"));
        assertInstanceOf(EvalResult.Interrupted.class,
                interruptWhileRunning("new Semaphore(0).acquire();"));
        java.util.concurrent.locks.ReentrantLock held = new java.util.concurrent.locks.ReentrantLock();
        held.lock();
        try {
            evaluator.bind("held", held.getClass().getName(), held);
            assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("held.lockInterruptibly();"));
        } finally {
            held.unlock();
        }
    }

    @Test
    void interruptsBlockingIo() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("""
                var out = new PipedOutputStream();
                var in = new PipedInputStream(out);
                in.read();"""));
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("""
                try (var server = java.nio.channels.ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress("127.0.0.1", 0));
                    server.accept();
                }"""));
    }

    @Test
    void interruptsBusyLoop() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("while (true) {}"));
    }

    @Test
    void interruptsCountingLoop() throws Exception {
        evaluator.eval("long spins = 0;");
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("for (;;) spins++;"));
    }

    @Test
    void interruptsNestedLoopsInAMethodFromAnEarlierCell() throws Exception {
        evaluator.eval("""
                long spin() {
                    long x = 0;
                    for (int i = 0; ; i++) {
                        for (int j = 0; j < 1000; j++) {
                            x += j;
                        }
                    }
                }""");
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("spin();"));
    }

    @Test
    void interruptsALoopInALambdaRunOnTheCellThread() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class,
                interruptWhileRunning("Runnable r = () -> { while (true) { } };\nr.run();"));
    }

    @Test
    void catchingExceptionCannotSwallowTheInterrupt() throws Exception {
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("""
                while (true) {
                    try { Thread.sleep(50); } catch (Exception e) { }
                }"""));
    }

    @Test
    void remainingSnippetsDoNotRunAfterAnInterrupt() throws Exception {
        evaluator.eval("int after = 0;");
        assertInstanceOf(EvalResult.Interrupted.class, interruptWhileRunning("Thread.sleep(60_000);\nafter = 1;"));
        assertEquals(0, evaluator.get("after"));
    }

    @Test
    void interruptWithoutARunningCellDoesNothing() {
        evaluator.interrupt();
        assertEquals(5, ((EvalResult.Value) evaluator.eval("2 + 3")).value());
    }

    @Test
    void bindFromAnotherThreadWaitsForTheRunningCell() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        evaluator.bind("started2", CountDownLatch.class.getName(), started);
        evaluator.bind("gate", CountDownLatch.class.getName(), gate);
        CompletableFuture<EvalResult> cell = CompletableFuture.supplyAsync(
                () -> evaluator.eval("started2.countDown();\ngate.await();\n\"cell done\""));
        assertEquals(true, started2Await(started));
        CompletableFuture<Void> binding = CompletableFuture.runAsync(
                () -> evaluator.bind("fromBackground", "String", "bound while a cell ran"));
        gate.countDown();
        assertEquals("cell done", ((EvalResult.Value) cell.get(WAIT_SECONDS, TimeUnit.SECONDS)).value());
        binding.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("bound while a cell ran", evaluator.get("fromBackground"));
    }

    private static boolean started2Await(CountDownLatch started) throws InterruptedException {
        return started.await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}

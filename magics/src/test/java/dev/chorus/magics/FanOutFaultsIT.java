package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Every way of running a fan-out ({@code %%fanout}, {@code --background}, {@link Chorus#fanout})
 * against the sandbox injecting all six faults: every row ends ok, and each attempt is one request.
 */
@Timeout(120)
class FanOutFaultsIT {
    private static final List<Fault> ALL = List.of(Fault.RATE_LIMIT_429, Fault.SERVER_500, Fault.UNAVAILABLE_503,
            Fault.HANG, Fault.MALFORMED_JSON, Fault.DROP_CONNECTION);

    private final Session session = new Session();
    private final RecordingNotebook notebook = new RecordingNotebook();
    private Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        // 10 % of requests fail, spread over the six kinds; a hung request is held 10 s, past --timeout 3s.
        sandbox = Sandbox.start(Behavior.builder().failRate(0.10).faults(ALL).retryAfter(Duration.ZERO)
                .hangLimit(Duration.ofSeconds(10)).seed(7).build());
        session.env(Map.of());
        session.sandbox(sandbox);
        new ClientMagic(session).run(notebook, List.of());
        notebook.shown.clear();
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void tenThousandPromptsWithEverySortOfFaultAllEndOk() throws Exception {
        int n = 10_000;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append("p").append(i).append('\n');
        }
        Table t = (Table) new FanOutMagic(session).run(notebook,
                List.of("--retries", "8", "--timeout", "3s", "--concurrency", "256"), body.toString());

        assertEquals(n, t.rowCount());
        List<String> notOk = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!"ok".equals(t.stringColumn("status").get(i))) {
                notOk.add(i + ": " + t.stringColumn("status").get(i) + " " + t.stringColumn("error").get(i));
            }
            assertEquals("Echo: p" + i, t.stringColumn("answer").get(i));
        }
        assertEquals(List.of(), notOk.subList(0, Math.min(5, notOk.size())), notOk.size() + " rows not ok");

        long attempts = ((IntColumn) t.column("attempts")).asList().stream().mapToLong(Integer::longValue).sum();
        assertEquals(attempts, sandbox.stats().requests("chat"), "every attempt is one request, none hidden");
        assertEquals(attempts - n, sandbox.stats().faultsInjected());
        for (Fault f : ALL) {
            assertTrue(sandbox.stats().faults(f) > 0, f + " was injected and retried away");
        }
        assertTrue(sandbox.stats().maxInFlight() <= 256, "in flight " + sandbox.stats().maxInFlight());
        String progress = notebook.shown().stream().filter(RecordingNotebook.Shown::update)
                .reduce((a, b) -> b).orElseThrow().text();
        assertTrue(progress.contains(n + "/" + n + " · ok " + n + " · failed 0 · in flight 0"), progress);
    }

    @Test
    void theBackgroundRunAndTheJavaTwinRetryThroughTheSameJob() throws Exception {
        FanOutMagic magic = new FanOutMagic(session);
        magic.run(notebook, List.of("--background", "--retries", "8", "--timeout", "3s", "--concurrency", "64",
                "--out", "bg"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt");
        session.background().handle().await();
        Table bg = (Table) notebook.variables.get("bg");
        assertEquals(20, bg.rowCount());
        assertEquals(List.of("ok"), bg.stringColumn("status").unique().asList());

        long before = sandbox.stats().requests("chat");
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            prompts.add("q" + i);
        }
        // The Java twin uses the kernel-wide session: point it at the same faulty sandbox.
        Session.SHARED.env(Map.of());
        Session.SHARED.sandbox(sandbox);
        try {
            Table twin = Chorus.fanout(prompts, "--retries 8 --timeout 3s --concurrency 64");
            assertEquals(List.of("ok"), twin.stringColumn("status").unique().asList());
            long attempts = ((IntColumn) twin.column("attempts")).asList().stream().mapToLong(Integer::longValue).sum();
            assertEquals(attempts, sandbox.stats().requests("chat") - before);
            assertTrue(attempts > 500, "some rows were retried");
        } finally {
            Session.SHARED.sandbox(null);   // ours: closed after the test, not by the reset
            Chorus.reset();
            Chorus.environment(System.getenv());
        }
    }
}

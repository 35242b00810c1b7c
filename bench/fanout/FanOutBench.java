import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.fanout.FanOut;
import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.ItemResult;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Fans N chat requests out with concurrency C through the public fan-out API and prints
 * {@code RESULT wall_s=... ok=... err=...}; wall runs from the first request's start to the last
 * response's end (JVM start and warm-up excluded). With {@code --rounds K} the measured pass runs
 * K times after one warm-up, each printing its own RESULT and INFO lines. Run by bench/fanout/client.
 */
public class FanOutBench {

    public static void main(String[] args) throws Exception {
        String baseUrl = null;
        int n = 1000;
        int c = 100;
        int warmup = -1;
        boolean stream = false;
        long sleepMs = -1;
        int rounds = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base-url" -> baseUrl = args[++i];
                case "-n" -> n = Integer.parseInt(args[++i]);
                case "-c" -> c = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--stream" -> stream = true;
                case "--sleep-ms" -> sleepMs = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: client (--base-url URL | --sleep-ms M) -n N -c C [--stream] [--warmup N]"
                            + " [--rounds K]");
                    System.exit(2);
                }
            }
        }
        if (rounds < 1) {
            System.err.println("client: --rounds must be at least 1");
            System.exit(2);
        }
        if (sleepMs >= 0) {
            engineOnly(n, c, sleepMs, warmup, rounds);
            return;
        }
        if (baseUrl == null) {
            System.err.println("client: --base-url is required");
            System.exit(2);
        }
        try (ChatClient client = ChatClient.builder().baseUrl(baseUrl).apiKey("sk-bench").model("bench")
                .maxRetries(0).maxConcurrentRequests(Math.max(c, 64)).build()) {
            // Warm-up: the same shape, so the JIT, the connection pool and the server are warm.
            int w = warmup >= 0 ? warmup : Math.min(n, Math.max(2 * c, 2000));
            if (w > 0) {
                run(client, w, c, stream);
            }
            // Rounds share the JVM, the warm-up and the connection pool: a median over them costs
            // one JVM start instead of K.
            for (int round = 0; round < rounds; round++) {
                long cpu0 = processCpuNanos();
                long alloc0 = allocatedBytes();
                FanOutResult<Integer, ChatCompletion> r = run(client, n, c, stream);
                long alloc = allocatedBytes() - alloc0;
                long cpuMs = (processCpuNanos() - cpu0) / 1_000_000;
                long first = Long.MAX_VALUE;
                long last = 0;
                for (ItemResult<Integer, ChatCompletion> item : r.items()) {
                    if (item.start() != null) {
                        first = Math.min(first, item.start().toNanos());
                        last = Math.max(last, item.end().toNanos());
                    }
                }
                double wall = first == Long.MAX_VALUE ? 0 : (last - first) / 1e9;
                int ok = r.ok().size();
                System.out.printf(Locale.ROOT, "RESULT wall_s=%.3f ok=%d err=%d%n", wall, ok, n - ok);
                var s = r.summary();
                System.out.printf(Locale.ROOT, "INFO req_s=%.0f efficiency=%.3f p50_ms=%d p95_ms=%d max_ms=%d peak_rss_mb=%d"
                                + " cpu_ms_per_1000=%.0f alloc_kb_per_req=%.1f%n",
                        wall > 0 ? n / wall : 0, s.efficiency(), s.p50().toMillis(), s.p95().toMillis(), s.max().toMillis(),
                        peakRssMb(), cpuMs * 1000.0 / n, alloc / 1024.0 / n);
                if (!s.failuresByCause().isEmpty()) {
                    System.out.println("INFO failures " + s.failuresByCause() + " e.g. " + r.failed().get(0).error());
                }
            }
        }
    }

    private static FanOutResult<Integer, ChatCompletion> run(ChatClient client, int n, int c, boolean stream) {
        List<Integer> inputs = IntStream.range(0, n).boxed().toList();
        return FanOut.chat(client).concurrency(c).retries(0).stream(stream)
                .run(inputs, i -> ChatRequest.builder().user("question " + i).build());
    }

    /** The engine alone: each item sleeps instead of calling a server. */
    private static void engineOnly(int n, int c, long sleepMs, int warmup, int rounds) {
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(c).build();
        int w = warmup >= 0 ? warmup : Math.min(n, Math.max(2 * c, 2000));
        if (w > 0) {
            f.run(IntStream.range(0, w).boxed().toList(), (in, ctx) -> sleep(sleepMs, in));
        }
        List<Integer> inputs = IntStream.range(0, n).boxed().toList();
        for (int round = 0; round < rounds; round++) {
            long alloc0 = allocatedBytes();
            FanOutResult<Integer, Integer> r = f.run(inputs, (in, ctx) -> sleep(sleepMs, in));
            long alloc = allocatedBytes() - alloc0;
            double wall = r.wall().toNanos() / 1e9;
            System.out.printf(Locale.ROOT, "RESULT wall_s=%.3f ok=%d err=%d%n", wall, r.ok().size(), n - r.ok().size());
            System.out.printf(Locale.ROOT, "INFO req_s=%.0f efficiency=%.3f peak_rss_mb=%d alloc_kb_per_req=%.1f%n",
                    n / wall, r.summary().efficiency(), peakRssMb(), alloc / 1024.0 / n);
        }
    }

    private static Integer sleep(long ms, Integer in) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
        return in;
    }

    /** CPU time (user + system, all threads) of this process so far, or 0 when the JVM cannot tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /**
     * Heap bytes allocated so far by all threads of this JVM, exited ones included (virtual
     * threads allocate in their carrier's buffers, so they are counted too), or 0 when the JVM
     * cannot tell. The delta around a pass counts every thread that ran meanwhile (OkHttp's
     * and okio's background threads too); the JIT's and GC's own memory is native, not counted.
     */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return Math.max(0, t.getTotalThreadAllocatedBytes());
        }
        return 0;
    }

    /** VmHWM of this process (Linux), or -1. */
    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}

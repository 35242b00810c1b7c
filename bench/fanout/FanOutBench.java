import dev.chorus.magics.Chorus;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Fans N prompts out with concurrency C through {@code Chorus.fanout}, the Java twin of
 * {@code %%fanout} (the same job: engine, chat calls, result table), and prints
 * {@code RESULT wall_s=... ok=... err=...}: wall is the whole call, from the prompts to the filled
 * table. With {@code --rounds K} the measured pass runs K times after one warm-up pass, each
 * printing its own RESULT and INFO lines. Run by bench/fanout/client.
 */
public class FanOutBench {

    public static void main(String[] args) throws Exception {
        String baseUrl = null;
        int n = 1000;
        int c = 100;
        int warmup = -1;
        int rounds = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base-url" -> baseUrl = args[++i];
                case "-n" -> n = Integer.parseInt(args[++i]);
                case "-c" -> c = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> usage();
            }
        }
        if (baseUrl == null || rounds < 1) {
            usage();
        }
        Chorus.environment(Map.of());
        Chorus.client("--base-url " + baseUrl + " --api-key sk-bench --model bench");
        // --no-cache: every round asks the same prompts, and this measures sending them, not the cache.
        // --yes: above 1,000 requests the pre-flight guard would ask, and a JVM of its own cannot answer.
        String options = "--concurrency " + c + " --retries 0 --no-cache --yes";
        // Warm-up: the same shape, so the JIT, the connection pool and the server are warm.
        int w = warmup >= 0 ? warmup : Math.min(n, Math.max(2 * c, 2000));
        if (w > 0) {
            Chorus.fanout(prompts(w), options);
        }
        List<String> prompts = prompts(n);
        for (int round = 0; round < rounds; round++) {
            long cpu0 = processCpuNanos();
            long alloc0 = allocatedBytes();
            long t0 = System.nanoTime();
            Table t = Chorus.fanout(prompts, options);
            double wall = (System.nanoTime() - t0) / 1e9;
            long alloc = allocatedBytes() - alloc0;
            long cpuMs = (processCpuNanos() - cpu0) / 1_000_000;
            int ok = t.stringColumn("status").countOccurrences("ok");
            LongColumn start = t.longColumn("start_ms");
            LongColumn end = t.longColumn("end_ms");
            long requests = end.max() > 0 ? (long) (end.max() - start.min()) : 0;
            System.out.printf(Locale.ROOT, "RESULT wall_s=%.3f ok=%d err=%d%n", wall, ok, n - ok);
            System.out.printf(Locale.ROOT, "INFO req_s=%.0f requests_wall_s=%.3f p50_ms=%.0f p95_ms=%.0f max_ms=%.0f"
                            + " peak_rss_mb=%d cpu_ms_per_1000=%.0f alloc_kb_per_req=%.1f%n",
                    n / wall, requests / 1000.0, t.longColumn("latency_ms").median(),
                    t.longColumn("latency_ms").percentile(95), t.longColumn("latency_ms").max(),
                    peakRssMb(), cpuMs * 1000.0 / n, alloc / 1024.0 / n);
            if (ok < n) {
                System.out.println("INFO failures e.g. " + t.where(t.stringColumn("status").isNotEqualTo("ok"))
                        .stringColumn("error").get(0));
            }
        }
        Chorus.reset();
    }

    private static void usage() {
        System.err.println("usage: client --base-url URL -n N -c C [--warmup N] [--rounds K]");
        System.exit(2);
    }

    private static List<String> prompts(int n) {
        return IntStream.range(0, n).mapToObj(i -> "question " + i).toList();
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
     * cannot tell.
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

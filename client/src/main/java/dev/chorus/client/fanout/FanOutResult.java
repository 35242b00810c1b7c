package dev.chorus.client.fanout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a fan-out produced: one {@link ItemResult} per input, in input order, plus timing.
 *
 * @param items           one result per input, in input order (never missing: items that did not run are
 *                        {@link ItemStatus#CANCELLED})
 * @param wall            time from the start of the fan-out to the end of its last item
 * @param concurrency     the concurrency limit used (the sum over endpoints when several were given)
 * @param cancelled       true when {@link FanOutHandle#cancel()} or an interrupt stopped the fan-out
 * @param deadlineReached true when the overall deadline stopped it
 * @param checkpointError the first error writing the checkpoint, if any (writing stops after it)
 */
public record FanOutResult<I, R>(List<ItemResult<I, R>> items, Duration wall, int concurrency, boolean cancelled,
                                 boolean deadlineReached, Optional<IOException> checkpointError) {

    public FanOutResult {
        items = List.copyOf(items);
    }

    /** The items that ended {@link ItemStatus#OK}, in input order. */
    public List<ItemResult<I, R>> ok() {
        return items.stream().filter(ItemResult::ok).toList();
    }

    /** The items that did not end OK (failed, timed out or cancelled), in input order. */
    public List<ItemResult<I, R>> failed() {
        return items.stream().filter(r -> !r.ok()).toList();
    }

    /** The values in input order, with null where an item did not end OK. */
    public List<R> values() {
        List<R> out = new ArrayList<>(items.size());
        for (ItemResult<I, R> r : items) {
            out.add(r.value());
        }
        return out;
    }

    /** Aggregate figures: counts, efficiency, latency percentiles, tokens, rate and failures by cause. */
    public Summary summary() {
        int ok = 0;
        int failed = 0;
        int cancelled = 0;
        int timedOut = 0;
        int resumed = 0;
        int invalid = 0;
        int cached = 0;
        long attempts = 0;
        long prompt = 0;
        long completion = 0;
        long sumLatencyNanos = 0;
        List<Long> latencies = new ArrayList<>();
        Map<String, Integer> causes = new TreeMap<>();
        for (ItemResult<I, R> r : items) {
            switch (r.status()) {
                case OK -> ok++;
                case FAILED -> failed++;
                case CANCELLED -> cancelled++;
                case TIMED_OUT -> timedOut++;
                case INVALID -> invalid++;
            }
            if (r.cached()) {
                // Nothing was sent: its tokens were spent by an earlier run.
                cached++;
                continue;
            }
            if (r.resumed()) {
                // Nothing was sent now either: its tokens were spent by the run that wrote the checkpoint.
                resumed++;
                continue;
            }
            prompt += r.promptTokens();
            completion += r.completionTokens();
            attempts += r.attempts();
            if (r.start() != null) {
                sumLatencyNanos += r.latency().toNanos();
                latencies.add(r.latency().toNanos());
            }
            if (r.error() != null && r.status() != ItemStatus.CANCELLED) {
                causes.merge(r.error().causeClass(), 1, Integer::sum);
            }
        }
        latencies.sort(null);
        double wallNanos = Math.max(1, wall.toNanos());
        double efficiency = concurrency == 0 ? 0 : sumLatencyNanos / (wallNanos * concurrency);
        return new Summary(items.size(), ok, failed, invalid, cancelled, timedOut, resumed, cached, wall, efficiency,
                percentile(latencies, 0.50), percentile(latencies, 0.95), percentile(latencies, 1.0),
                prompt, completion, attempts, attempts / (wallNanos / 1e9), Map.copyOf(causes));
    }

    private static Duration percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return Duration.ofNanos(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
    }

    /**
     * Aggregate figures of a fan-out.
     *
     * @param cached      items whose value was known before the run ({@link ItemResult#cached()}): nothing
     *                    sent, and their tokens are not in {@code promptTokens} and {@code completionTokens}
     *                    (nor are those of resumed items: the tokens are what this run spent)
     * @param invalid     items whose last answer was not what was asked for ({@link ItemStatus#INVALID})
     * @param efficiency  sum of item latencies / (wall × concurrency): 1.0 means every slot was busy all the time
     * @param attempts    attempts made (retries included, resumed items excluded)
     * @param requestsPerSecond attempts per second of wall time
     * @param failuresByCause   count of failed, invalid and timed-out items by {@link ItemError#causeClass()} (cancelled
     *                          items are counted in {@code cancelled} only)
     */
    public record Summary(int total, int ok, int failed, int invalid, int cancelled, int timedOut, int resumed, int cached,
                          Duration wall,
                          double efficiency, Duration p50, Duration p95, Duration max, long promptTokens,
                          long completionTokens, long attempts, double requestsPerSecond,
                          Map<String, Integer> failuresByCause) {

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            String items = String.format(Locale.ROOT, "%d items: %d ok, %d failed, %s%d timed out, %d cancelled%s",
                    total, ok, failed, invalid > 0 ? invalid + " invalid, " : "", timedOut, cancelled,
                    (resumed > 0 ? ", " + resumed + " resumed" : "") + (cached > 0 ? ", " + cached + " of " + total + " from cache" : ""));
            if (attempts == 0) {
                // Every row came from a checkpoint or a cache: rates and latencies would be of nothing.
                return b.append(items).append(String.format(Locale.ROOT, " in %.2fs; nothing sent", wall.toNanos() / 1e9))
                        .toString();
            }
            b.append(items).append(String.format(Locale.ROOT, " in %.2fs (%.1f req/s, efficiency %.2f)%n",
                    wall.toNanos() / 1e9, requestsPerSecond, efficiency));
            b.append(String.format(Locale.ROOT, "latency p50 %dms, p95 %dms, max %dms; tokens %d prompt + %d completion",
                    p50.toMillis(), p95.toMillis(), max.toMillis(), promptTokens, completionTokens));
            if (!failuresByCause.isEmpty()) {
                b.append(String.format("%nfailures: "));
                b.append(String.join(", ", new TreeMap<>(failuresByCause).entrySet().stream()
                        .map(e -> e.getKey() + " × " + e.getValue()).toList()));
            }
            return b.toString();
        }
    }
}

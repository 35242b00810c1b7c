package dev.chorus.client.fanout;

import java.time.Duration;
import java.util.Locale;

/**
 * A snapshot of a running fan-out.
 *
 * @param total     number of inputs
 * @param done      items that have ended (any status, resumed ones included)
 * @param ok        items that ended {@link ItemStatus#OK}
 * @param failed    items that ended {@link ItemStatus#FAILED} or {@link ItemStatus#TIMED_OUT}
 * @param invalid   items that ended {@link ItemStatus#INVALID} (answered, but not as asked)
 * @param cancelled items that ended {@link ItemStatus#CANCELLED} (stopped, or never started)
 * @param inFlight  items running now
 * @param requests  attempts started so far (retries included; resumed and never-started items are not requests)
 * @param rate      requests started per second since the start
 * @param elapsed   time since the start
 * @param finished  true in the last snapshot, sent once when the fan-out has ended
 */
public record Progress(int total, int done, int ok, int failed, int invalid, int cancelled, int inFlight, long requests,
                       double rate, Duration elapsed, boolean finished) {

    /** The snapshot of a fan-out of {@code total} items that has not started. */
    public static Progress start(int total) {
        return new Progress(total, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, false);
    }

    /** Fraction done, 0..1 (1 when there are no inputs). */
    public double fraction() {
        return total == 0 ? 1.0 : (double) done / total;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d/%d done (%d ok, %d failed, %d invalid, %d cancelled), %d in flight, %.1f req/s, %.1fs",
                done, total, ok, failed, invalid, cancelled, inFlight, rate, elapsed.toMillis() / 1000.0);
    }
}

package dev.chorus.client.fanout;

import java.time.Duration;

/**
 * A snapshot of a running fan-out.
 *
 * @param total    number of inputs
 * @param done     items that have ended (any status, resumed ones included)
 * @param ok       items that ended {@link ItemStatus#OK}
 * @param failed   items that ended otherwise
 * @param inFlight items running now
 * @param rate     items ended per second since the start (resumed items not counted)
 * @param elapsed  time since the start
 * @param finished true in the last snapshot, sent once when the fan-out has ended
 */
public record Progress(int total, int done, int ok, int failed, int inFlight, double rate, Duration elapsed,
                       boolean finished) {

    /** Fraction done, 0..1 (1 when there are no inputs). */
    public double fraction() {
        return total == 0 ? 1.0 : (double) done / total;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d/%d done (%d ok, %d failed), %d in flight, %.1f/s, %.1fs",
                done, total, ok, failed, inFlight, rate, elapsed.toMillis() / 1000.0);
    }
}

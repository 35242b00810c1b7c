package dev.chorus.sandbox.internal;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import java.time.Duration;

/**
 * The seeded decision for one OpenAI request: its fault (or none) and its delay, a pure function
 * of the behaviour's seed and the request's ordinal.
 *
 * @param fault   the fault to inject, or null
 * @param delayNanos the delay before answering, never negative
 */
record Draw(Fault fault, long delayNanos) {

    static Draw of(Behavior b, long ordinal) {
        long h1 = mix(b.seed() ^ mix(ordinal + 0x9E3779B97F4A7C15L));
        long h2 = mix(h1 + 0x9E3779B97F4A7C15L);
        long h3 = mix(h2 + 0x9E3779B97F4A7C15L);
        Fault fault = null;
        if (b.failRate() > 0 && unit(h1) < b.failRate()) {
            fault = b.faults().get((int) Long.remainderUnsigned(h2, b.faults().size()));
        }
        long delay = b.latency().toNanos();
        long jitter = b.jitter().toNanos();
        if (jitter > 0) {
            delay += (long) ((unit(h3) * 2 - 1) * jitter);
        }
        return new Draw(fault, Math.max(0, delay));
    }

    Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** A uniform double in [0, 1) from the top 53 bits. */
    private static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: a bijective, well-mixed 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

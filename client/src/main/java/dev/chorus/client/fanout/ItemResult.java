package dev.chorus.client.fanout;

import java.time.Duration;

/**
 * The outcome of one input of a fan-out: failures are data here, never thrown.
 *
 * @param index            position of the input in the input list
 * @param input            the input itself
 * @param status           how the item ended
 * @param value            the task's value when {@code status} is {@link ItemStatus#OK}, else null
 * @param error            why it did not succeed, null when OK
 * @param latency          time the item held its concurrency slot ({@code end - start}): rate-limit waits and
 *                         retry backoff included; zero if it never ran
 * @param attempts         attempts made (0 if it never ran)
 * @param promptTokens     prompt tokens reported by the task, 0 if unknown
 * @param completionTokens completion tokens reported by the task, 0 if unknown
 * @param start            when the item started, as an offset from the fan-out start (null if it never ran)
 * @param end              when it ended, as an offset from the fan-out start (null if it never ran)
 * @param endpoint         index of the endpoint it ran on
 * @param resumed          true when taken from a checkpoint instead of being run
 * @param cached           true when its value was {@link Known known} before the run (a response cache):
 *                         nothing was sent, and latency and tokens are those of the run that produced it
 */
public record ItemResult<I, R>(
        int index,
        I input,
        ItemStatus status,
        R value,
        ItemError error,
        Duration latency,
        int attempts,
        long promptTokens,
        long completionTokens,
        Duration start,
        Duration end,
        int endpoint,
        boolean resumed,
        boolean cached) {

    /** True when the item produced a value. */
    public boolean ok() {
        return status == ItemStatus.OK;
    }

    /** Total tokens reported. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}

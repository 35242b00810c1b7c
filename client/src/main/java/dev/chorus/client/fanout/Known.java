package dev.chorus.client.fanout;

import java.time.Duration;
import java.util.Objects;

/**
 * An item's value known before a fan-out runs (from a response cache, say): the item ends
 * {@link ItemStatus#OK} at once with {@link ItemResult#cached()} set, sends nothing and takes no
 * concurrency slot or rate permit. Its latency and tokens are those of the run that produced it.
 *
 * @param value            the value
 * @param latency          how long producing it took
 * @param promptTokens     its prompt tokens
 * @param completionTokens its completion tokens
 */
public record Known<R>(R value, Duration latency, long promptTokens, long completionTokens) {
    public Known {
        Objects.requireNonNull(latency, "latency");
    }
}

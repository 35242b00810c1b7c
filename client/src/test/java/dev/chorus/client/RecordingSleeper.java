package dev.chorus.client;

import dev.chorus.client.internal.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A sleeper that records each backoff and returns at once. */
final class RecordingSleeper implements Sleeper {
    private final List<Duration> slept = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration duration) {
        slept.add(duration);
    }

    synchronized List<Duration> slept() {
        return List.copyOf(slept);
    }
}

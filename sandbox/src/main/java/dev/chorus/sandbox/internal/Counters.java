package dev.chorus.sandbox.internal;

import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Stats;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The sandbox's counters; thread-safe, updated from event-loop threads without locks. */
public final class Counters {

    private final Map<Route, LongAdder> requests = new EnumMap<>(Route.class);
    private final Map<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
    private final LongAdder tokens = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    Counters() {
        for (Route r : Route.values()) {
            requests.put(r, new LongAdder());
        }
        for (Fault f : Fault.values()) {
            faults.put(f, new LongAdder());
        }
    }

    void request(Route route) {
        requests.get(route).increment();
        int now = inFlight.incrementAndGet();
        if (now > maxInFlight.get()) {
            maxInFlight.accumulateAndGet(now, Math::max);
        }
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    void fault(Fault fault) {
        faults.get(fault).increment();
    }

    void tokenIssued() {
        tokens.increment();
    }

    public Stats snapshot() {
        Map<String, Long> r = new LinkedHashMap<>();
        requests.forEach((route, n) -> {
            long v = n.sum();
            if (v > 0) {
                r.put(route.statName(), v);
            }
        });
        Map<Fault, Long> f = new EnumMap<>(Fault.class);
        faults.forEach((fault, n) -> {
            long v = n.sum();
            if (v > 0) {
                f.put(fault, v);
            }
        });
        return new Stats(r, tokens.sum(), f, inFlight.get(), maxInFlight.get());
    }

    public void reset() {
        requests.values().forEach(LongAdder::reset);
        faults.values().forEach(LongAdder::reset);
        tokens.reset();
        maxInFlight.set(inFlight.get());
    }
}

package dev.chorus.sandbox;

import java.util.Map;

/**
 * A snapshot of a sandbox's counters, taken by {@link Sandbox#stats()}.
 *
 * <p>Route names are {@code chat}, {@code models}, {@code token}, {@code get}, {@code post},
 * {@code delay}, {@code status}, {@code html}, {@code posts}, {@code users}, {@code phrase} and
 * {@code unknown}; every request is counted once under its route, whatever its outcome.
 * Immutable; the maps are unmodifiable and contain only non-zero counts.
 *
 * @param requests     requests received, by route name
 * @param tokensIssued IAM access tokens issued
 * @param faults       faults injected, by kind (randomly drawn and header-forced alike)
 * @param inFlight     requests received and not yet answered (or closed) at snapshot time
 * @param maxInFlight  the highest {@code inFlight} seen since start (or the last reset)
 */
public record Stats(Map<String, Long> requests, long tokensIssued, Map<Fault, Long> faults,
                    int inFlight, int maxInFlight) {

    public Stats {
        requests = Map.copyOf(requests);
        faults = Map.copyOf(faults);
    }

    /** Requests received on one route, 0 when none. */
    public long requests(String route) {
        return requests.getOrDefault(route, 0L);
    }

    /** Requests received on all routes. */
    public long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Faults injected of one kind, 0 when none. */
    public long faults(Fault kind) {
        return faults.getOrDefault(kind, 0L);
    }

    /** Faults injected of all kinds. */
    public long faultsInjected() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }
}

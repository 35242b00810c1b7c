package dev.chorus.kernel.execution;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes live objects from the kernel to the notebook code that {@link JShellEvaluator#bind}
 * generates ({@code Type name = (Type) Handoff.take("id");}).
 *
 * <p>Not for use by notebook code. Thread-safe; every object is taken exactly once.
 */
public final class Handoff {
    private static final Map<String, Object> WAITING = new ConcurrentHashMap<>();
    private static final Object NULL = new Object();

    private Handoff() {
    }

    static String put(Object value) {
        String id = UUID.randomUUID().toString();
        WAITING.put(id, value == null ? NULL : value);
        return id;
    }

    static void discard(String id) {
        WAITING.remove(id);
    }

    /** Removes and returns the object handed off under {@code id}. */
    public static Object take(String id) {
        Object v = WAITING.remove(id);
        if (v == null) {
            throw new NoSuchElementException("no object is waiting under id " + id);
        }
        return v == NULL ? null : v;
    }
}

package dev.chorus.magics.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one hand-off of objects to notebook code, for the Chorus kernel's bindings and for magics in
 * a stock JJava kernel alike: {@link #put} a value, then evaluate
 * {@code Type name = (Type) dev.chorus.magics.spi.Bindings.take("key");}.
 *
 * <p>Thread-safe. A value stays here until taken; a failed evaluation removes it through
 * {@link #take} not being called, so callers drop the key themselves ({@link #drop}).
 */
public final class Bindings {
    private static final Map<String, Object> VALUES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private Bindings() {
    }

    /** Stores {@code value} and returns the key to take it with. */
    public static String put(Object value) {
        String key = "b" + NEXT.incrementAndGet();
        VALUES.put(key, value == null ? NULL : value);
        return key;
    }

    /** Removes and returns the value stored under {@code key} (null if none). */
    public static Object take(String key) {
        Object v = VALUES.remove(key);
        return v == NULL ? null : v;
    }

    /** Forgets {@code key} (after an evaluation that did not take it). */
    public static void drop(String key) {
        VALUES.remove(key);
    }

    private static final Object NULL = new Object();
}

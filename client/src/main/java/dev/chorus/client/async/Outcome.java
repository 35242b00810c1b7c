package dev.chorus.client.async;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The result of one piece of work: either the value it returned or the exception it threw.
 *
 * <pre>{@code
 * for (Outcome<String> o : Tasks.gatherOutcomes(calls)) {
 *     switch (o) {
 *         case Outcome.Success<String>(var title) -> System.out.println("ok: " + title);
 *         case Outcome.Failure<String>(var error) -> System.out.println("error: " + error);
 *     }
 * }
 * }</pre>
 *
 * <p>Threading: immutable, safe to share. Who closes it: nothing to close. How it fails: it
 * does not; {@link #orElseThrow()} rethrows a captured failure on demand.
 *
 * <p>Python counterpart: one element of {@code asyncio.gather(..., return_exceptions=True)},
 * where a result and an exception sit side by side; here the two cases are types, not an
 * {@code isinstance} check.
 *
 * @param <T> the type of the value
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

    /** Work that returned {@code value} (which may be {@code null}). */
    record Success<T>(T value) implements Outcome<T> {
    }

    /** Work that threw {@code error}. */
    record Failure<T>(Throwable error) implements Outcome<T> {
        /** Creates a failure; {@code error} is required. */
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }

    /** Runs {@code work} on the current thread and captures what it returned or threw. */
    static <T> Outcome<T> of(Callable<? extends T> work) {
        try {
            return new Success<>(work.call());
        } catch (Exception e) {
            return new Failure<>(e);
        }
    }

    /** {@code true} for a {@link Success}. */
    default boolean succeeded() {
        return this instanceof Success;
    }

    /** The value, or {@code fallback} for a failure. */
    default T orElse(T fallback) {
        return this instanceof Success<T> s ? s.value() : fallback;
    }

    /** The error, or {@code null} for a success. */
    default Throwable errorOrNull() {
        return this instanceof Failure<T> f ? f.error() : null;
    }

    /**
     * The value, or throws the failure: unchecked exceptions and errors as they are, checked ones
     * wrapped in {@link java.util.concurrent.CompletionException}.
     */
    default T orElseThrow() {
        if (this instanceof Success<T> s) {
            return s.value();
        }
        Throwable error = ((Failure<T>) this).error();
        if (error instanceof RuntimeException r) {
            throw r;
        }
        if (error instanceof Error e) {
            throw e;
        }
        throw new java.util.concurrent.CompletionException(error);
    }
}

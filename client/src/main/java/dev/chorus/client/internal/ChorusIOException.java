package dev.chorus.client.internal;

import dev.chorus.client.ChorusException;
import java.io.IOException;

/**
 * Carries a {@link ChorusException} out of an OkHttp interceptor, which may only throw
 * {@link IOException}; the retry loop unwraps it.
 */
public final class ChorusIOException extends IOException {
    private final ChorusException failure;

    public ChorusIOException(ChorusException failure) {
        super(failure.getMessage(), failure);
        this.failure = failure;
    }

    public ChorusException failure() {
        return failure;
    }
}

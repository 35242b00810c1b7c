package dev.chorus.client.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adds {@code Authorization: Bearer KEY} for a static API key, unless the request already carries
 * an Authorization header.
 *
 * <p>Immutable and thread-safe; {@link #toString()} masks the key.
 */
public final class StaticKeyAuth implements Interceptor {
    private final String header;
    private final String masked;

    public StaticKeyAuth(String apiKey) {
        this.header = "Bearer " + apiKey;
        this.masked = Secrets.mask(apiKey);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        if (chain.request().header("Authorization") != null) {
            return chain.proceed(chain.request());
        }
        return chain.proceed(chain.request().newBuilder().header("Authorization", header).build());
    }

    @Override
    public String toString() {
        return "api key " + masked;
    }
}

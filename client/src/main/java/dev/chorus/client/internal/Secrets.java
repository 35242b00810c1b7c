package dev.chorus.client.internal;

/**
 * Masks credentials for display: the first two and last two characters of a long value
 * ({@code ab…9f}), nothing of a short one.
 *
 * <p>Stateless and thread-safe.
 */
public final class Secrets {
    private Secrets() {
    }

    public static String mask(String secret) {
        if (secret == null) {
            return "<none>";
        }
        if (secret.length() < 12) {
            return "…";
        }
        return secret.substring(0, 2) + "…" + secret.substring(secret.length() - 2);
    }
}

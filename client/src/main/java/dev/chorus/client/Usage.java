package dev.chorus.client;

/**
 * Token counts of one completion as reported by the server.
 *
 * <p>Immutable and thread-safe.
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
}

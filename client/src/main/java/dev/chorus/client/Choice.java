package dev.chorus.client;

/**
 * One alternative answer of a {@link ChatCompletion}; {@code finishReason} is null when the server
 * gave none.
 *
 * <p>Immutable and thread-safe.
 */
public record Choice(int index, Message message, String finishReason) {
}

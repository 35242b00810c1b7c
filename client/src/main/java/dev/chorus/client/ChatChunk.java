package dev.chorus.client;

/**
 * One server-sent event of a streamed completion: the text added by this chunk ({@code ""} when
 * none), the finish reason (null until the last choice chunk) and the usage (null except in the
 * final chunk).
 *
 * <p>Immutable and thread-safe.
 */
public record ChatChunk(String id, String delta, String finishReason, Usage usage) {
    public ChatChunk {
        delta = delta == null ? "" : delta;
    }
}

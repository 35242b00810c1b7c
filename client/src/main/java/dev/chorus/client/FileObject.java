package dev.chorus.client;

/**
 * A file stored on the endpoint ({@code /files}), e.g. the JSONL input of a batch or its output.
 *
 * <p>Immutable and thread-safe; {@code status} is null when the server gave none.
 *
 * @param id        the file's id, e.g. {@code file-abc123}
 * @param bytes     its size
 * @param createdAt seconds since the epoch
 * @param filename  the name it was uploaded under
 * @param purpose   {@code batch} for a batch's input, {@code batch_output} for what a batch wrote
 */
public record FileObject(String id, long bytes, long createdAt, String filename, String purpose, String status) {
}

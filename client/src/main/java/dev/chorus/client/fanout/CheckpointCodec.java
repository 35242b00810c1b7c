package dev.chorus.client.fanout;

/**
 * Turns an item's value into the text stored in a JSONL checkpoint line, and back on resume.
 *
 * <p>Threading: {@link #encode} is called from item threads, concurrently; implementations must be
 * stateless or thread-safe. Failure: an exception from {@link #decode} makes the line be ignored
 * (the item runs again).
 */
public interface CheckpointCodec<R> {

    /** The text stored for {@code value}. */
    String encode(R value);

    /** The value rebuilt from stored text. */
    R decode(String text);

    /** A codec for string values, stored as they are. */
    static CheckpointCodec<String> strings() {
        return new CheckpointCodec<>() {
            @Override
            public String encode(String value) {
                return value;
            }

            @Override
            public String decode(String text) {
                return text;
            }
        };
    }
}

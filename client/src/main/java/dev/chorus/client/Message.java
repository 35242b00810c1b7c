package dev.chorus.client;

import java.util.Objects;

/**
 * One chat message: a role ({@code system}, {@code user}, {@code assistant}, ...) and its text.
 *
 * <p>Immutable and thread-safe. The factories reject a null text with a {@link NullPointerException}.
 */
public record Message(String role, String content) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }

    public static Message system(String content) {
        return new Message("system", Objects.requireNonNull(content, "content"));
    }

    public static Message user(String content) {
        return new Message("user", Objects.requireNonNull(content, "content"));
    }

    public static Message assistant(String content) {
        return new Message("assistant", Objects.requireNonNull(content, "content"));
    }
}

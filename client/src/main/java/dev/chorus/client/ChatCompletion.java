package dev.chorus.client;

import java.util.List;

/**
 * The answer to one {@code POST /chat/completions}: its choices and token usage, plus the
 * server's request id and how many attempts the client needed.
 *
 * <p>Immutable and thread-safe. {@code usage} and {@code requestId} are null when the server sent
 * none.
 */
public record ChatCompletion(String id, String model, List<Choice> choices, Usage usage, String requestId,
                             int attempts) {
    public ChatCompletion {
        choices = List.copyOf(choices);
    }

    /** The text of the first choice, or {@code ""} when there is none. */
    public String content() {
        return choices.isEmpty() || choices.get(0).message() == null ? "" : choices.get(0).message().content();
    }
}

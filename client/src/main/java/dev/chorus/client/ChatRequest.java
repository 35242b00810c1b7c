package dev.chorus.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of one chat completion request: model, messages and sampling parameters, plus any
 * extra top-level JSON fields the server understands.
 *
 * <p>Immutable and thread-safe once built; build it with {@link #builder()}. Null fields are not
 * sent. A null model means "the client's default model".
 */
public record ChatRequest(String model, List<Message> messages, Integer maxTokens, Double temperature, Double topP,
                          List<String> stop, Map<String, Object> extra) {
    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? null : List.copyOf(stop);
        extra = extra.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this request, e.g. to change the user message per fan-out item. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages.addAll(messages);
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.stop = stop;
        b.extra.putAll(extra);
        return b;
    }

    /** Collects the request fields; not thread-safe. */
    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private Integer maxTokens;
        private Double temperature;
        private Double topP;
        private List<String> stop;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder system(String content) {
            return message(Message.system(content));
        }

        public Builder user(String content) {
            return message(Message.user(content));
        }

        public Builder assistant(String content) {
            return message(Message.assistant(content));
        }

        public Builder message(Message message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /** Replaces all messages collected so far. */
        public Builder messages(List<Message> messages) {
            this.messages.clear();
            messages.forEach(this::message);
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            if (maxTokens <= 0) {
                throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder stop(List<String> stop) {
            this.stop = List.copyOf(stop);
            return this;
        }

        /**
         * Adds a top-level JSON field that has no setter here (e.g. {@code seed}, {@code response_format});
         * the value is serialized with Jackson. The fields the client writes itself win over these.
         */
        public Builder extra(String key, Object value) {
            extra.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** @throws IllegalStateException when no message was added */
        public ChatRequest build() {
            if (messages.isEmpty()) {
                throw new IllegalStateException("a ChatRequest needs at least one message (use .user(\"...\"))");
            }
            return new ChatRequest(model, messages, maxTokens, temperature, topP, stop, extra);
        }
    }
}

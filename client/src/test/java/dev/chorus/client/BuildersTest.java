package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildersTest {
    @Test
    void rejectsOutOfRangeSettingsWithOneLineMessages() {
        assertEquals("maxRetries must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> ChatClient.builder().maxRetries(-1)).getMessage());
        assertEquals("maxConcurrentRequests must be positive, got 0", assertThrows(IllegalArgumentException.class,
                () -> ChatClient.builder().maxConcurrentRequests(0)).getMessage());
        assertEquals("readTimeout must not be negative, got PT-1S", assertThrows(IllegalArgumentException.class,
                () -> ChatClient.builder().readTimeout(Duration.ofSeconds(-1))).getMessage());
        assertEquals("maxRetries must be >= 0, got -2", assertThrows(IllegalArgumentException.class,
                () -> RequestOptions.builder().maxRetries(-2)).getMessage());
        assertEquals("timeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> RequestOptions.builder().timeout(Duration.ZERO)).getMessage());
        assertEquals("maxTokens must be positive, got 0", assertThrows(IllegalArgumentException.class,
                () -> ChatRequest.builder().maxTokens(0)).getMessage());
        assertEquals("tokenUrl is not an http(s) URL: 'iam'", assertThrows(IllegalArgumentException.class,
                () -> ChatClient.builder().baseUrl("http://127.0.0.1:1/v1").evolution("k", "s").tokenUrl("iam")
                        .build()).getMessage());
    }

    @Test
    void requestOptionsAndRequestsAreValues() {
        RequestOptions o = RequestOptions.builder().maxRetries(1).timeout(Duration.ofSeconds(3)).header("A", "b")
                .build();
        assertEquals(new RequestOptions(1, Duration.ofSeconds(3), Map.of("A", "b")), o);
        assertEquals(new RequestOptions(null, null, Map.of()), RequestOptions.DEFAULT);
        ChatRequest r = ChatRequest.builder().model("m").system("s").user("u").assistant("a")
                .message(new Message("tool", "t")).build();
        assertEquals(List.of(Message.system("s"), Message.user("u"), Message.assistant("a"), new Message("tool", "t")),
                r.messages());
        assertEquals(r, r.toBuilder().build());
        assertEquals(List.of(Message.user("other")), r.toBuilder().messages(List.of(Message.user("other"))).build()
                .messages());
    }

    @Test
    void completionContentIsTheFirstChoiceOrEmpty() {
        assertEquals("", new ChatCompletion("i", "m", List.of(), null, null, 1).content());
        assertEquals("x", new ChatCompletion("i", "m", List.of(new Choice(0, Message.assistant("x"), "stop")), null,
                null, 1).content());
    }

    @Test
    void closeIsIdempotent() {
        ChatClient c = ChatClient.builder().baseUrl("http://127.0.0.1:1/v1").build();
        c.close();
        c.close();
        assertEquals(true, c.isTerminated());
    }
}

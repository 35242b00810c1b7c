package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chorus.sandbox.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official openai-java client against the sandbox, to keep the sandbox (and so this client's
 * tests) honest about the OpenAI wire format.
 */
class OpenAiJavaCompatIT {
    private Sandbox sandbox;
    private OpenAIClient openai;

    @BeforeEach
    void start() {
        sandbox = Sandbox.start();
        openai = OpenAIOkHttpClient.builder().baseUrl(sandbox.baseUrl()).apiKey("sk-compat-test").maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        openai.close();
        sandbox.close();
    }

    private static ChatCompletionCreateParams params(String text) {
        return ChatCompletionCreateParams.builder().model("default").addSystemMessage("Be terse.")
                .addUserMessage(text).maxCompletionTokens(64).build();
    }

    @Test
    void chatCompletion() {
        var completion = openai.chat().completions().create(params("Name three primes."));
        assertEquals("Echo: Name three primes.", completion.choices().get(0).message().content().orElseThrow());
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0);
    }

    /** A record openai-java turns into a strict json_schema (with its own schema generator). */
    public record Ticket(String topic, int urgency, boolean refund, java.util.List<String> keywords) {
    }

    @Test
    void structuredOutputWithAJsonSchema() {
        var params = ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("My parcel arrived broken and I want my money back").responseFormat(Ticket.class).build();
        var completion = openai.chat().completions().create(params);
        Ticket t = completion.choices().get(0).message().content().orElseThrow();
        assertTrue(t.topic() != null && !t.topic().isBlank(), t.toString());
        assertTrue(t.urgency() >= 0 && t.urgency() <= 100, t.toString());
        assertTrue(!t.keywords().isEmpty() && t.keywords().size() <= 3, t.toString());
        var again = openai.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        assertEquals(t, again, "the same prompt gives the same document");
    }

    @Test
    void streamingChatCompletion() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params("stream it"))) {
            stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(choice -> choice.delta().content().ifPresent(text::append)));
        }
        assertEquals("Echo: stream it", text.toString());
    }
}

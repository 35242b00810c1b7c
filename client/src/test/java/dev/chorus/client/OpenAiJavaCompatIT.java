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
    void filesAndBatches() throws Exception {
        java.nio.file.Path in = java.nio.file.Files.createTempFile("compat", ".jsonl");
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                lines.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":")
                        .append("\"/v1/chat/completions\",\"body\":{\"model\":\"default\",\"messages\":")
                        .append("[{\"role\":\"user\",\"content\":\"q").append(i).append("\"}]}}\n");
            }
            java.nio.file.Files.writeString(in, lines);
            var file = openai.files().create(com.openai.models.files.FileCreateParams.builder().file(in)
                    .purpose(com.openai.models.files.FilePurpose.BATCH).build());
            assertEquals(com.openai.models.files.FileObject.Purpose.BATCH, file.purpose());
            var batch = openai.batches().create(com.openai.models.batches.BatchCreateParams.builder()
                    .inputFileId(file.id())
                    .endpoint(com.openai.models.batches.BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                    .completionWindow(com.openai.models.batches.BatchCreateParams.CompletionWindow._24H).build());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!batch.status().equals(com.openai.models.batches.Batch.Status.COMPLETED) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                batch = openai.batches().retrieve(batch.id());
            }
            assertEquals(com.openai.models.batches.Batch.Status.COMPLETED, batch.status());
            assertEquals(3, batch.requestCounts().orElseThrow().completed());
            String output;
            try (var content = openai.files().content(batch.outputFileId().orElseThrow())) {
                output = new String(content.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertEquals(3, output.lines().count());
            assertTrue(output.contains("\"custom_id\":\"r2\"") && output.contains("Echo: q2"), output);
            assertTrue(openai.batches().list().data().stream().anyMatch(b -> b.inputFileId().equals(file.id())));
            assertTrue(openai.files().delete(file.id()).deleted());
        } finally {
            java.nio.file.Files.deleteIfExists(in);
        }
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

package dev.chorus.client.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.BadRequestException;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.StructuredCompletion;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Structured answers from the real sandbox: conforming documents, invalid ones re-asked, the json_object fallback. */
class StructuredCompletionIT {

    enum Sentiment { POSITIVE, NEUTRAL, NEGATIVE }

    record Author(String name, int reviews) {
    }

    record Review(String summary, int stars, long views, double score, boolean recommend, Sentiment sentiment,
                  LocalDate date, Optional<String> reply, Author author, List<String> tags) {
    }

    record Tree(String label, List<Tree> children) {
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().model("default").user(text).build();
    }

    private static ChatClient client(Sandbox s, int retries) {
        return ChatClient.builder().baseUrl(s.baseUrl()).apiKey("sk-test").maxRetries(retries).build();
    }

    @Test
    void theSandboxAnswersConformToTheirSchemas() {
        List<Class<?>> types = List.of(Review.class, Author.class, Sentiment.class, Tree.class);
        try (Sandbox s = Sandbox.start(); ChatClient c = client(s, 0)) {
            for (Class<?> type : types) {
                OutputSchema schema = OutputSchema.of(type);
                for (String prompt : List.of("The soup was cold but the staff were lovely", "Ship it", "Да, отлично")) {
                    // check() runs the validator; a sandbox answer that broke its schema would throw here.
                    StructuredCompletion<?> r = c.chat().completions().create(ask(prompt), schema, type,
                            RequestOptions.DEFAULT);
                    assertEquals(type, r.value().getClass(), prompt);
                    assertEquals(1, r.requests());
                    assertFalse(r.fellBack());
                }
            }
            OutputSchema json = OutputSchema.parse("ticket", """
                    {"type":"object","properties":{"topic":{"type":"string","enum":["billing","bug","other"]},
                     "urgency":{"type":"integer","minimum":1,"maximum":5},"score":{"type":"number","minimum":-1,"maximum":1},
                     "when":{"type":"string","format":"date-time"},"contact":{"type":"string","format":"email"},
                     "lines":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2}},
                     "required":["topic","urgency"]}""");
            JsonNode doc = c.chat().completions().create(ask("printer on fire"), json, JsonNode.class,
                    RequestOptions.DEFAULT).json();
            int urgency = doc.get("urgency").asInt();
            assertTrue(urgency >= 1 && urgency <= 5, doc.toString());
            assertEquals(2, doc.get("lines").size(), doc.toString());
        }
    }

    @Test
    void theSameRecordAndPromptGiveTheSameValue() {
        try (Sandbox s = Sandbox.start(); ChatClient c = client(s, 0)) {
            Review a = c.chat().completions().create(ask("a quiet hotel by the sea"), Review.class).value();
            Review b = c.chat().completions().create(ask("a quiet hotel by the sea"), Review.class).value();
            Review other = c.chat().completions().create(ask("a noisy hostel downtown"), Review.class).value();
            assertEquals(a, b);
            assertFalse(a.equals(other));
            assertTrue(List.of("a", "quiet", "hotel", "by", "the", "sea").containsAll(List.of(a.summary().split(" "))),
                    "strings are made of the prompt's words: " + a.summary());
        }
    }

    @Test
    void anInvalidAnswerIsAskedAgainWithTheProblem() {
        Behavior half = Behavior.builder().failRate(0.5).faults(Fault.INVALID_JSON).seed(7).build();
        try (Sandbox s = Sandbox.start(half); ChatClient c = client(s, 6)) {
            int requests = 0;
            int reasked = 0;
            for (int i = 0; i < 20; i++) {
                StructuredCompletion<Author> r = c.chat().completions().create(ask("author number " + i), Author.class);
                assertTrue(r.value().name() != null);
                requests += r.requests();
                reasked += r.requests() > 1 ? 1 : 0;
            }
            assertTrue(reasked > 0 && requests > 20, "with half the answers broken some were asked again: " + requests);
            assertEquals(requests, s.stats().requests("chat"), "every re-ask is one request");
        }
    }

    @Test
    void anAnswerStillInvalidAfterTheRetriesCarriesItsRawText() {
        Behavior always = Behavior.builder().failRate(1).faults(Fault.INVALID_JSON).build();
        try (Sandbox s = Sandbox.start(always); ChatClient c = client(s, 2)) {
            InvalidAnswerException e = assertThrows(InvalidAnswerException.class,
                    () -> c.chat().completions().create(ask("anything"), Author.class));
            assertFalse(e.raw().isEmpty());
            assertTrue(e.getMessage().startsWith("the answer does not match the schema Author: "), e.getMessage());
            assertEquals(3, s.stats().requests("chat"), "one request and two re-asks");
        }
    }

    @Test
    void aServerWithoutJsonSchemaIsAskedWithJsonObject() {
        try (Sandbox s = Sandbox.start(Behavior.builder().jsonSchema(false).build()); ChatClient c = client(s, 0)) {
            BadRequestException refused = assertThrows(BadRequestException.class, () -> c.chat().completions()
                    .create(OutputSchema.of(Author.class).request(ask("x"), false)));
            assertTrue(OutputSchema.refused(refused), refused.getMessage());
            StructuredCompletion<Review> r = c.chat().completions().create(ask("a fine pen"), Review.class);
            assertTrue(r.fellBack());
            assertEquals(2, r.requests());
            assertTrue(r.value().stars() >= 0);
        }
    }
}

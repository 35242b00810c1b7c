package dev.chorus.client.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.InvalidAnswerException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputSchemaTest {

    enum Sentiment { POSITIVE, NEUTRAL, NEGATIVE }

    record Author(String name, int reviews) {
    }

    record Review(String summary, int stars, long views, double score, boolean recommend, Sentiment sentiment,
                  LocalDate date, Optional<String> reply, Author author, List<String> tags) {
    }

    record Node(String label, List<Node> children) {
    }

    @Test
    void aRecordOfEverySupportedTypeGivesAStrictSchemaAndTypedFields() {
        OutputSchema s = OutputSchema.of(Review.class);
        JsonNode schema = s.schema();
        assertEquals("Review", s.name());
        assertFalse(s.wrapped());
        assertEquals("object", schema.get("type").asText());
        assertFalse(schema.get("additionalProperties").asBoolean(true));
        assertEquals(10, schema.get("required").size(), schema.toString());
        assertFalse(schema.has("$schema"));
        JsonNode props = schema.get("properties");
        assertEquals("string", props.at("/summary/type").asText());
        assertEquals("integer", props.at("/stars/type").asText());
        assertEquals("number", props.at("/score/type").asText());
        assertEquals("boolean", props.at("/recommend/type").asText());
        assertEquals("date", props.at("/date/format").asText());
        assertEquals("[\"string\",\"null\"]", props.at("/reply/type").toString(), "Optional is required and nullable");
        assertFalse(props.at("/author/additionalProperties").asBoolean(true));
        assertEquals("array", props.at("/tags/type").asText());

        List<Field> f = s.fields();
        assertEquals(List.of("summary", "stars", "views", "score", "recommend", "sentiment", "date", "reply",
                "author", "tags"), f.stream().map(Field::name).toList());
        assertEquals(List.of(Field.Kind.STRING, Field.Kind.INT, Field.Kind.LONG, Field.Kind.DOUBLE,
                Field.Kind.BOOLEAN, Field.Kind.STRING, Field.Kind.DATE, Field.Kind.STRING, Field.Kind.JSON,
                Field.Kind.JSON), f.stream().map(Field::kind).toList());
        assertEquals(List.of("POSITIVE", "NEUTRAL", "NEGATIVE"), f.get(5).constants());
        assertSame(s, OutputSchema.of(Review.class), "generated once per class");
    }

    @Test
    void aValidAnswerIsReadIntoTheRecord() {
        OutputSchema s = OutputSchema.of(Review.class);
        String raw = """
                {"summary":"good","stars":4,"views":12345678901,"score":0.5,"recommend":true,"sentiment":"POSITIVE",
                 "date":"2026-11-30","reply":null,"author":{"name":"Ann","reviews":3},"tags":["a","b"]}""";
        JsonNode json = s.check(raw, null);
        Review r = (Review) s.value(json);
        assertEquals(new Review("good", 4, 12345678901L, 0.5, true, Sentiment.POSITIVE, LocalDate.of(2026, 11, 30),
                Optional.empty(), new Author("Ann", 3), List.of("a", "b")), r);
        assertEquals(r, s.check("```json\n" + raw + "\n```", null).isObject() ? s.value(json) : null,
                "a Markdown fence is allowed");
    }

    @Test
    void invalidAnswersSayWhy() {
        OutputSchema s = OutputSchema.of(Author.class);
        InvalidAnswerException notJson = assertThrows(InvalidAnswerException.class, () -> s.check("Sure! {", "r1"));
        assertTrue(notJson.problem().startsWith("not JSON"), notJson.problem());
        assertEquals("Sure! {", notJson.raw());
        assertTrue(notJson.isRetryable());
        InvalidAnswerException wrongType = assertThrows(InvalidAnswerException.class,
                () -> s.check("{\"name\":\"Ann\",\"reviews\":\"three\"}", null));
        assertTrue(wrongType.problem().contains("reviews"), wrongType.problem());
        InvalidAnswerException missing = assertThrows(InvalidAnswerException.class,
                () -> s.check("{\"name\":\"Ann\"}", null));
        assertTrue(missing.problem().contains("reviews"), missing.problem());
        InvalidAnswerException extra = assertThrows(InvalidAnswerException.class,
                () -> s.check("{\"name\":\"Ann\",\"reviews\":1,\"x\":2}", null));
        assertTrue(extra.problem().contains("x"), extra.problem());
        OutputSchema review = OutputSchema.of(Review.class);
        InvalidAnswerException badEnum = assertThrows(InvalidAnswerException.class, () -> review.check("""
                {"summary":"s","stars":1,"views":1,"score":1,"recommend":false,"sentiment":"HAPPY",
                 "date":"2026-02-30","reply":null,"author":{"name":"A","reviews":1},"tags":[]}""", null));
        assertTrue(badEnum.problem().contains("sentiment"), badEnum.problem());
        assertTrue(badEnum.problem().contains("date"), "formats are asserted: " + badEnum.problem());
    }

    record WithMap(String name, java.util.Map<String, Integer> counts) {
    }

    @Test
    void mapsAreRefusedAndIntsAreBounded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputSchema.of(WithMap.class));
        assertTrue(e.getMessage().contains("field 'counts' is a Map, which a strict schema cannot describe"), e.getMessage());
        OutputSchema s = OutputSchema.of(Author.class);
        assertEquals(Integer.MAX_VALUE, s.schema().at("/properties/reviews/maximum").asLong());
        InvalidAnswerException big = assertThrows(InvalidAnswerException.class,
                () -> s.check("{\"name\":\"Ann\",\"reviews\":3000000000}", null));
        assertTrue(big.problem().contains("reviews"), big.problem());
    }

    @Test
    void aTopLevelEnumIsWrappedAndUnwrapped() {
        OutputSchema s = OutputSchema.of(Sentiment.class);
        assertTrue(s.wrapped());
        assertEquals(List.of("value"), s.fields().stream().map(Field::name).toList());
        assertEquals(List.of("POSITIVE", "NEUTRAL", "NEGATIVE"), s.fields().get(0).constants());
        assertEquals(Sentiment.NEGATIVE, s.value(s.check("{\"value\":\"NEGATIVE\"}", null)));
        assertThrows(InvalidAnswerException.class, () -> s.check("\"NEGATIVE\"", null));
    }

    @Test
    void aRecursiveRecordUsesDefinitions() {
        OutputSchema s = OutputSchema.of(Node.class);
        Node n = (Node) s.value(s.check("{\"label\":\"a\",\"children\":[{\"label\":\"b\",\"children\":[]}]}", null));
        assertEquals(new Node("a", List.of(new Node("b", List.of()))), n);
    }

    @Test
    void aJsonSchemaIsMadeStrict() {
        OutputSchema s = OutputSchema.parse("ticket", """
                {"type":"object","properties":{"topic":{"type":"string","enum":["billing","bug"]},
                 "urgency":{"type":"integer"},"note":{"type":"string"}},"required":["topic","urgency"]}""");
        JsonNode schema = s.schema();
        assertEquals(3, schema.get("required").size());
        assertEquals("[\"string\",\"null\"]", schema.at("/properties/note/type").toString());
        assertNull(s.type());
        assertEquals(List.of(Field.Kind.STRING, Field.Kind.LONG, Field.Kind.STRING),
                s.fields().stream().map(Field::kind).toList());
        Object v = s.value(s.check("{\"topic\":\"bug\",\"urgency\":2,\"note\":null}", null));
        assertEquals(java.util.Map.of("topic", "bug", "urgency", 2), withoutNulls(v));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> OutputSchema.parse("x", "{oops"));
        assertTrue(bad.getMessage().startsWith("not JSON"), bad.getMessage());
        OutputSchema scalar = OutputSchema.parse("n", "{\"type\":\"number\"}");
        assertTrue(scalar.wrapped());
        assertEquals(Field.Kind.DOUBLE, scalar.fields().get(0).kind());
    }

    @Test
    void requestsCarryTheSchemaOrTheFallback() {
        OutputSchema s = OutputSchema.of(Author.class);
        ChatRequest base = ChatRequest.builder().model("m").user("who?").build();
        ChatRequest strict = s.request(base, false);
        JsonNode format = (JsonNode) strict.extra().get("response_format");
        assertEquals("json_schema", format.get("type").asText());
        assertEquals("Author", format.at("/json_schema/name").asText());
        assertTrue(format.at("/json_schema/strict").asBoolean());
        assertEquals(s.schema(), format.at("/json_schema/schema"));
        ChatRequest loose = s.request(base, true);
        assertEquals("json_object", ((JsonNode) loose.extra().get("response_format")).get("type").asText());
        assertEquals("system", loose.messages().get(0).role());
        assertTrue(loose.messages().get(0).content().contains("\"reviews\""));
        ChatRequest again = s.reask(strict, "{}", "$: required property 'name' not found");
        assertEquals(List.of("user", "assistant", "user"), again.messages().stream().map(m -> m.role()).toList());
        assertTrue(again.messages().get(2).content().contains("required property 'name' not found"));
    }

    @SuppressWarnings("unchecked")
    private static Object withoutNulls(Object v) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>((java.util.Map<String, Object>) v);
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }
}

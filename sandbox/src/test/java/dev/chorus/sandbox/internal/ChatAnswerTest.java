package dev.chorus.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatAnswerTest {

    static ChatAnswer of(String json) {
        return ChatAnswer.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wordsCountRunsOfNonWhitespace() {
        assertEquals(0, ChatAnswer.words(""));
        assertEquals(0, ChatAnswer.words(" \n\t "));
        assertEquals(3, ChatAnswer.words("  a bb\n\nccc "));
    }

    @Test
    void firstWordsJoinsWithSingleSpaces() {
        assertEquals("a b", ChatAnswer.firstWords("  a\n\tb c", 2));
        assertEquals("a b c", ChatAnswer.firstWords("a b c", 5));
    }

    @Test
    void piecesConcatenateToTheContent() {
        ChatAnswer a = of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x  y\\nz \"}]}");
        assertEquals("Echo: x  y\nz ", a.content());
        assertEquals(List.of("Echo:", " x", "  y", "\nz "), a.pieces());
        assertEquals(a.content(), String.join("", a.pieces()));
    }

    @Test
    void lastUserMessageWins() {
        ChatAnswer a = of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"},"
                + "{\"role\":\"user\",\"content\":\"two\"},{\"role\":\"assistant\",\"content\":null}]}");
        assertEquals("Echo: two", a.content());
        assertEquals(2, a.promptTokens());
    }
}

package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void fillsNamesAndKeepsDoubledBraces() {
        Template t = new Template("Translate {text} to {lang}; output {{\"t\": ...}}");
        assertEquals(Set.of("text", "lang"), t.names());
        assertEquals("Translate hi to fr; output {\"t\": ...}", t.fill(Map.of("text", "hi", "lang", "fr")));
    }

    @Test
    void leavesJsonBracesAlone() {
        Template t = new Template("Reply as {\"answer\": 1} about {it}");
        assertEquals(List.of("it"), List.copyOf(t.names()));
        assertEquals("Reply as {\"answer\": 1} about cats", t.fill(Map.of("it", "cats")));
    }

    @Test
    void nullBecomesEmptyAndMissingIsNamed() {
        java.util.HashMap<String, Object> values = new java.util.HashMap<>();
        values.put("a", null);
        assertEquals("[]", new Template("[{a}]").fill(values));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Template("{b}").fill(Map.of()));
        assertEquals("{b} has no value", e.getMessage());
    }

    @Test
    void aTemplateThatIsOnePlaceholderGivesTheValueItself() {
        String value = new String("a prompt of its own");
        assertSame(value, new Template("{it}").fill(Map.of("it", value)));
        assertSame(value, new Template("{ it }").fill(Map.of("it", value)));
        assertEquals("42", new Template("{n}").fill(Map.of("n", 42)));
        assertEquals("{it}", new Template("{{it}}").fill(Map.of("it", value)));
        assertEquals("x-y", new Template("{a}-{b}").fill(Map.of("a", "x", "b", "y")));
        assertThrows(IllegalArgumentException.class, () -> new Template("{it}").fill(Map.of()));
    }
}

package dev.chorus.magics;

import dev.chorus.magics.spi.MagicWords;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MagicWordsTest {

    @Test
    void splitsAtBlanksOutsideQuotes() {
        assertEquals(List.of("--system", "Be terse, please.", "--n", "3"),
                MagicWords.split("  --system \"Be terse, please.\"\t--n 3 "));
        assertEquals(List.of("a", ""), MagicWords.split("a \"\""));
        assertEquals(List.of(), MagicWords.split("   "));
        assertEquals(List.of(), MagicWords.split(null));
    }

    @Test
    void aBackslashEscapesOnlyAQuoteOrABackslash() {
        assertEquals(List.of("say", "\"hi\""), MagicWords.split("say \\\"hi\\\""));
        assertEquals(List.of("a\\b"), MagicWords.split("a\\\\b"));
        // Before any other character it stays: Windows paths are typed as they are.
        assertEquals(List.of("--checkpoint", "C:\\runs\\a.jsonl"), MagicWords.split("--checkpoint C:\\runs\\a.jsonl"));
        assertEquals(List.of("x\\n"), MagicWords.split("x\\n"));
    }

    @Test
    void theJavaTwinsParseTheirOptionsLikeTheMagics() {
        // Chorus.fanout(…, options) and %%fanout options go through the same words.
        Options o = FanOutMagic.SCHEMA.parse(OptionSchema.split("--checkpoint C:\\runs\\a.jsonl --concurrency 4"),
                name -> null);
        assertEquals("C:\\runs\\a.jsonl", o.string("checkpoint", null));
    }
}

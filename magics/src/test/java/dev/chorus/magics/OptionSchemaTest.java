package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSchemaTest {
    private static final Map<String, String> ENV = Map.of("MY_SECRET", "s3cr3t-value", "N", "8");

    private static Options fanout(String line) {
        return FanOutMagic.SCHEMA.parse(OptionSchema.split(line), ENV::get);
    }

    private static String error(Runnable r) {
        MagicException e = assertThrows(MagicException.class, r::run);
        return e.headline();
    }

    @Test
    void unknownOptionSuggestsTheClosestAndAppendsUsage() {
        MagicException e = assertThrows(MagicException.class, () -> fanout("--concurency 8"));
        assertEquals("Failed to process '%%fanout --concurency 8': unknown option --concurency (did you mean --concurrency?)",
                e.headline());
        assertEquals(e.headline(), e.getMessage());
        assertEquals(FanOutMagic.USAGE.strip(), e.usage());
        assertEquals(e.headline() + "\nUsage: " + FanOutMagic.USAGE.strip(), e.fullText());
        assertEquals(0, e.getStackTrace().length, "no stack trace to print");
    }

    @Test
    void unknownOptionWithNothingCloseHasNoHint() {
        assertEquals("Failed to process '%%fanout --zzzzzzzz 1': unknown option --zzzzzzzz",
                error(() -> fanout("--zzzzzzzz 1")));
    }

    @Test
    void valuesFlagsEqualsFormAndQuotes() {
        Options o = fanout("--concurrency=4 --system \"Be terse.\" --background --timeout 30s");
        assertEquals(4, o.positiveInt("concurrency", null));
        assertEquals("Be terse.", o.string("system", null));
        assertTrue(o.flag("background"));
        assertEquals(Duration.ofSeconds(30), o.duration("timeout", null));
        assertFalse(o.help());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Options.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), Options.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(2), Options.parseDuration("2m"));
        assertEquals(Duration.ofMillis(1500), Options.parseDuration("1.5s"));
        assertEquals(Duration.ofHours(1), Options.parseDuration("1h"));
        assertEquals(null, Options.parseDuration("30"));
        assertEquals("Failed to process '%%fanout --timeout 30': --timeout expects a duration like 500ms, 30s or 2m, got '30'",
                error(() -> fanout("--timeout 30").duration("timeout", null)));
    }

    @Test
    void numberErrors() {
        assertEquals("Failed to process '%%fanout --concurrency abc': --concurrency expects a positive integer, got 'abc'",
                error(() -> fanout("--concurrency abc").positiveInt("concurrency", null)));
        assertEquals("Failed to process '%%fanout --concurrency 0': --concurrency expects a positive integer, got '0'",
                error(() -> fanout("--concurrency 0").positiveInt("concurrency", null)));
        assertEquals("Failed to process '%%fanout --retries -1': --retries expects an integer >= 0, got '-1'",
                error(() -> fanout("--retries -1").nonNegativeInt("retries", null)));
        assertEquals("Failed to process '%%fanout --rps fast': --rps expects a positive number, got 'fast'",
                error(() -> fanout("--rps fast").positiveNumber("rps", null)));
        assertEquals("Failed to process '%%fanout --temperature 3': --temperature expects a number from 0 to 2, got '3'",
                error(() -> fanout("--temperature 3").number("temperature", null, 0, 2)));
        assertEquals("Failed to process '%%fanout --out 1x': --out expects a Java variable name, got '1x'",
                error(() -> fanout("--out 1x").variable("out", "results")));
    }

    @Test
    void missingValueGivenTwiceAndFlagWithValue() {
        assertEquals("Failed to process '%%fanout --model': --model needs a value (M)", error(() -> fanout("--model")));
        assertEquals("Failed to process '%%fanout --model --background': --model needs a value (M)",
                error(() -> fanout("--model --background")));
        assertEquals("Failed to process '%%fanout --model a --model b': --model is given twice",
                error(() -> fanout("--model a --model b")));
        assertEquals("Failed to process '%%fanout --background=yes': --background takes no value",
                error(() -> fanout("--background=yes")));
        assertEquals("Failed to process '%%fanout stray': unexpected argument 'stray'", error(() -> fanout("stray")));
    }

    @Test
    void helpIsAlwaysAccepted() {
        assertTrue(fanout("--help").help());
        assertTrue(ClientMagic.SCHEMA.parse(List.of("--help"), ENV::get).help());
    }

    @Test
    void dollarNameReadsTheEnvironment() {
        Options o = ClientMagic.SCHEMA.parse(OptionSchema.split("--key-id id --secret $MY_SECRET --concurrency $N"), ENV::get);
        assertEquals("s3cr3t-value", o.string("secret", null));
        assertEquals(8, o.positiveInt("concurrency", null));
        assertEquals("Failed to process '%client --secret $NOPE': --secret $NOPE: environment variable NOPE is not set",
                error(() -> ClientMagic.SCHEMA.parse(OptionSchema.split("--secret $NOPE"), ENV::get)));
    }

    @Test
    void secretValuesAreMaskedInErrors() {
        MagicException e = assertThrows(MagicException.class, () -> ClientMagic.SCHEMA.parse(
                OptionSchema.split("--api-key sk-live-123 --secret=hunter2 --bogus 1"), ENV::get));
        assertEquals("Failed to process '%client --api-key *** --secret=*** --bogus 1': unknown option --bogus",
                e.headline());
        assertFalse(e.getMessage().contains("sk-live-123"));
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void everyOptionAppearsInItsUsage() {
        for (OptionSchema s : List.of(ClientMagic.SCHEMA, PromptMagic.SCHEMA, FanOutMagic.SCHEMA, TableMagic.SCHEMA,
                SandboxMagic.SCHEMA)) {
            for (OptionSchema.Option o : s.options()) {
                assertTrue(s.usage().contains("--" + o.name()), s.command() + " usage lacks --" + o.name());
            }
        }
    }

    @Test
    void splitHandlesQuotesAndEscapes() {
        assertEquals(List.of("--system", "Be terse, please.", "--x", "a\"b", ""),
                OptionSchema.split("--system \"Be terse, please.\" --x a\\\"b \"\""));
    }
}

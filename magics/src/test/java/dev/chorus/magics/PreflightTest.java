package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {

    @Test
    void tokensAreCountedWithTheModelsEncoding() {
        assertEquals("o200k_base", Preflight.encoding("gpt-4o-mini").getName());
        assertEquals("o200k_base", Preflight.encoding("openai/gpt-5").getName());
        assertEquals("o200k_base", Preflight.encoding("o4-mini").getName());
        assertEquals("cl100k_base", Preflight.encoding("GigaChat-2-Max").getName());
        assertEquals(2, Preflight.encoding("gpt-4o").countTokensOrdinary("hello world"));
        ChatRequest r = ChatRequest.builder().model("gpt-4o").system("Be terse.").user("hello world").build();
        Preflight.Estimate e = Preflight.estimate(Collections.nCopies(10, r), 3, "gpt-4o", 50, null, null);
        // per request: 3 + (4 + "Be terse." 4 tokens) + (4 + 2)
        assertEquals(10 * (3 + 4 + Preflight.encoding("gpt-4o").countTokensOrdinary("Be terse.") + 4 + 2), e.promptTokens());
        assertEquals(500, e.outputTokens());
        assertFalse(e.assumed());
        assertTrue(Double.isNaN(e.cost()));
        assertTrue(e.line().startsWith("pre-flight: 10 requests (3 of 13 cached) to gpt-4o · "), e.line());
        assertTrue(e.line().endsWith("no price known for gpt-4o (--price in=…,out=… or CHORUS_PRICES)"));
    }

    @Test
    void pricesComeFromTheOptionTheEnvironmentOrTheBuiltInList() {
        Preflight.Price option = Preflight.price("gpt-4o-mini", "in=1,out=2,currency=rub", "gpt-4o-mini=9/9");
        assertEquals(new Preflight.Price(1, 2, "RUB", "--price"), option);
        assertEquals(new Preflight.Price(0.5, 1.5, "RUB", "CHORUS_PRICES"),
                Preflight.price("GigaChat-2-Max", null, "x=1/1; GigaChat-2-Max=0.5/1.5/RUB"));
        assertEquals(new Preflight.Price(0.15, 0.60, "USD", "built-in list price"), Preflight.price("gpt-4o-mini", null, null));
        assertNull(Preflight.price("my-local-model", null, null));
        assertEquals("--price needs both in=… and out=… (per million tokens), got 'in=1'",
                assertThrows(IllegalArgumentException.class, () -> Preflight.parseOption("in=1")).getMessage());
        assertEquals("CHORUS_PRICES: expected model=in/out[/CURRENCY], got 'm=1'",
                assertThrows(IllegalArgumentException.class, () -> Preflight.price("m", null, "m=1")).getMessage());
        assertEquals("12.50 ₽", option.money(12.5));
        assertEquals("$1,234.50", Preflight.price("gpt-4o", null, null).money(1234.5));
        assertEquals("< $0.0001", Preflight.price("gpt-4o", null, null).money(0.00001));
    }

    @Test
    void itAsksAboveARequestCountOrACost() {
        ChatRequest r = ChatRequest.builder().model("gpt-4o").user("x".repeat(400)).build();
        double[] defaults = Preflight.thresholds(null);
        Preflight.Price usd = Preflight.price("gpt-4o", null, null);
        assertFalse(Preflight.needsYes(Preflight.estimate(Collections.nCopies(1000, r), 0, "gpt-4o", 10, null, null), defaults));
        assertTrue(Preflight.needsYes(Preflight.estimate(Collections.nCopies(1001, r), 0, "gpt-4o", 10, null, null), defaults));
        // 500 requests at gpt-4o with 256 assumed output tokens each: about $1.33
        Preflight.Estimate costly = Preflight.estimate(Collections.nCopies(500, r), 0, "gpt-4o", null, usd, null);
        assertTrue(costly.cost() > 1, String.valueOf(costly.cost()));
        assertTrue(Preflight.needsYes(costly, defaults));
        assertFalse(Preflight.needsYes(costly, Preflight.thresholds("cost=5")));
        assertTrue(Preflight.needsYes(costly, Preflight.thresholds("requests=100,cost=5")));
        assertEquals("CHORUS_CONFIRM_ABOVE expects requests=N,cost=X, got 'many'",
                assertThrows(IllegalArgumentException.class, () -> Preflight.thresholds("many")).getMessage());
        List<Double> rub = List.of(new Preflight.Price(1, 1, "RUB", "x").defaultThreshold());
        assertEquals(List.of(100.0), rub);
    }
}

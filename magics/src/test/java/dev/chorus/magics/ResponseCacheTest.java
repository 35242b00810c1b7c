package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseCacheTest {
    @TempDir
    Path dir;

    private static ChatRequest.Builder ask(String text) {
        return ChatRequest.builder().model("m").user(text);
    }

    @Test
    void theKeyCoversEveryFieldThatChangesTheAnswer() {
        String base = ResponseCache.key("http://h/v1", ask("hi").build());
        assertEquals(base, ResponseCache.key("http://h/v1/", ask("hi").build()), "a trailing slash is the same URL");
        List<String> others = List.of(
                ResponseCache.key("http://other/v1", ask("hi").build()),
                ResponseCache.key("http://h/v1", ask("hi!").build()),
                ResponseCache.key("http://h/v1", ask("hi").model("n").build()),
                ResponseCache.key("http://h/v1", ask("hi").temperature(0.5).build()),
                ResponseCache.key("http://h/v1", ask("hi").maxTokens(10).build()),
                ResponseCache.key("http://h/v1", ask("hi").topP(0.9).build()),
                ResponseCache.key("http://h/v1", ask("hi").stop(List.of("\n")).build()),
                ResponseCache.key("http://h/v1", ChatRequest.builder().model("m").system("terse").user("hi").build()),
                ResponseCache.key("http://h/v1", ask("hi").extra("response_format", Map.of("type", "json_object")).build()));
        for (String other : others) {
            assertNotEquals(base, other);
        }
        assertEquals(others.size(), others.stream().distinct().count());
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 2, "x", 1));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", Map.of("x", 1, "y", 2));
        ba.put("a", 1);
        assertEquals(ResponseCache.key("u", ask("hi").extra("seed", ab).build()),
                ResponseCache.key("u", ask("hi").extra("seed", ba).build()), "field order does not matter");
    }

    @Test
    void answersPersistAcrossOpensAndTwoOpenCachesShareTheFile() {
        ResponseCache.Entry e = new ResponseCache.Entry("Echo: hi", 3, 2, 120);
        try (ResponseCache a = ResponseCache.open(dir, 1 << 20); ResponseCache b = ResponseCache.open(dir, 1 << 20)) {
            a.put("k1", e);
            assertEquals(e, a.get("k1"), "a queued answer is found before it is written");
            a.flush();
            assertEquals(e, b.get("k1"), "the other connection sees it once written");
            b.put("k2", new ResponseCache.Entry("x", 1, 1, 1));
            b.flush();
            assertEquals(2, a.stats().answers());
            assertEquals(1, a.stats().hits());
            assertEquals(0, a.stats().misses());
            assertEquals(0, b.stats().misses());
            assertEquals(1, b.stats().hits());
        }
        try (ResponseCache again = ResponseCache.open(dir, 1 << 20)) {
            assertEquals(e, again.get("k1"));
            assertEquals(2, again.clear(null));
            assertNull(again.get("k1"));
        }
    }

    @Test
    void theLeastRecentlyUsedAnswersGoWhenTheBoundIsPassed() throws Exception {
        String kb = "x".repeat(1000);
        try (ResponseCache c = ResponseCache.open(dir, 20_000)) {
            for (int i = 0; i < 15; i++) {
                c.put("k" + i, new ResponseCache.Entry(kb, 1, 1, 1));
            }
            c.flush();
            Thread.sleep(5);
            c.getAll(List.of("k0", "k1", "k2")); // used again: they stay
            Thread.sleep(5);
            for (int i = 15; i < 30; i++) {
                c.put("k" + i, new ResponseCache.Entry(kb, 1, 1, 1));
            }
            c.flush();
            ResponseCache.Stats s = c.stats();
            assertTrue(s.bytes() <= 20_000, s.toString());
            Map<String, ResponseCache.Entry> kept = c.getAll(List.of("k0", "k1", "k2", "k3", "k29"));
            assertTrue(kept.keySet().containsAll(List.of("k0", "k1", "k2", "k29")), kept.keySet().toString());
            assertNull(kept.get("k3"), "least recently used, evicted");
        }
    }

    @Test
    void manyWritersAtOnce() throws Exception {
        try (ResponseCache c = ResponseCache.open(dir, 1 << 24)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int from = t * 500;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = from; i < from + 500; i++) {
                        c.put("k" + i, new ResponseCache.Entry("v" + i, 1, 1, 1));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            c.flush();
            assertEquals(4000, c.stats().answers());
            assertNull(c.problem());
            assertEquals("v3999", c.get("k3999").content());
        }
    }
}

package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PromptMagicTest {
    private final Session session = new Session();
    private final RecordingNotebook notebook = new RecordingNotebook();
    private final PromptMagic magic = new PromptMagic(session);

    @AfterEach
    void close() {
        session.close();
    }

    private void sandbox(Behavior behavior) throws Exception {
        session.env(Map.of());
        session.sandbox(Sandbox.start(behavior));
    }

    @Test
    void streamsIntoOneDisplayAndBindsTheAnswer() throws Exception {
        sandbox(Behavior.builder().chunkDelay(Duration.ofMillis(20)).build());
        notebook.variables.put("word", "hello");
        assertNull(magic.run(notebook, List.of(), "Say {word} please, {{ok}}\n"));
        assertEquals("Echo: Say hello please, {ok}", notebook.variables.get("answer"));
        assertEquals("String", notebook.types.get("answer"));
        List<RecordingNotebook.Shown> shown = notebook.shown();
        // the client setup (the session had none), then the answer display and its updates
        assertTrue(shown.get(0).text().startsWith("client: ChatClient["), shown.get(0).text());
        RecordingNotebook.Shown first = shown.get(1);
        assertEquals("…", first.text());
        RecordingNotebook.Shown last = shown.get(shown.size() - 1);
        assertTrue(last.update());
        assertEquals(first.id(), last.id());
        for (RecordingNotebook.Shown s : shown.subList(2, shown.size())) {
            assertEquals(first.id(), s.id(), "every later message updates the same display");
        }
        assertTrue(last.text().matches("(?s)Echo: Say hello please, \\{ok} \n— \\d+ ms · \\d+ prompt \\+ 5 completion tokens"
                .replace(" \n", "\n")), last.text());
        assertTrue(last.html().contains("Echo: Say hello please, {ok}"));
    }

    @Test
    void noStreamShowsOneDisplayAndHonoursOut() throws Exception {
        sandbox(Behavior.DEFAULT);
        magic.run(notebook, List.of("--no-stream", "--out", "reply", "--system", "Be terse.", "--max-tokens", "2"), "a b c d");
        assertEquals("Echo: a", notebook.variables.get("reply"));
        RecordingNotebook.Shown last = notebook.shown().get(notebook.shown().size() - 1);
        assertTrue(last.text().startsWith("Echo: a\n— "), last.text());
    }

    @Test
    void argumentAndTemplateErrors() throws Exception {
        sandbox(Behavior.DEFAULT);
        assertEquals("Failed to process '%%prompt': {topic} is not a notebook variable (write {{ and }} for literal braces)",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of(), "About {topic}")).headline());
        assertEquals("Failed to process '%%prompt': the cell body (the prompt) is empty",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of(), "  \n")).headline());
        assertEquals("Failed to process '%%prompt --max-token 5': unknown option --max-token (did you mean --max-tokens?)",
                assertThrows(MagicException.class, () -> magic.run(notebook, List.of("--max-token", "5"), "x")).headline());
        assertTrue(notebook.shown().isEmpty(), "nothing ran");
    }

    @Test
    void serverFailureIsOneLine() throws Exception {
        sandbox(Behavior.builder().failRate(1).faults(Fault.SERVER_500).build());
        new ClientMagic(session).run(notebook, List.of("--retries", "0"));
        MagicException e = assertThrows(MagicException.class, () -> magic.run(notebook, List.of(), "hi"));
        assertTrue(e.headline().startsWith("Failed to process '%%prompt': POST /v1/chat/completions failed"), e.headline());
        assertEquals(null, e.usage(), "a server failure is not an argument error");
    }

    @Test
    void interruptStopsTheStreamAndBindsThePartialAnswer() throws Exception {
        sandbox(Behavior.builder().chunkDelay(Duration.ofMillis(200)).build());
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                magic.run(notebook, List.of(), "w ".repeat(200));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        cell.start();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until && notebook.shown().stream().noneMatch(s -> s.update() && s.text().startsWith("Echo:"))) {
            Thread.sleep(10);
        }
        cell.interrupt();
        cell.join(10_000);
        if (!(thrown.get() instanceof MagicException)) {
            throw new AssertionError("unexpected", thrown.get());
        }
        MagicException e = (MagicException) thrown.get();
        String partial = (String) notebook.variables.get("answer");
        assertTrue(partial.startsWith("Echo:") && partial.length() < "Echo: ".length() + 400, partial);
        assertEquals("%%prompt interrupted: the partial answer (" + partial.length() + " characters) is bound to answer",
                e.getMessage());
        assertTrue(notebook.shown().get(notebook.shown().size() - 1).text().endsWith(" · interrupted"));
    }

    @Test
    void aModelIsRequiredWhenTheEndpointHasNoDefault() throws Exception {
        try (Sandbox sb = Sandbox.start(Behavior.builder().requireAuth(false).build())) {
            session.env(Map.of("OPENAI_BASE_URL", sb.baseUrl()));
            assertEquals("Failed to process '%%prompt': no model: pass --model M, or set one with %client --model M (or CHORUS_MODEL)",
                    assertThrows(MagicException.class, () -> magic.run(notebook, List.of(), "hi")).headline());
            session.env(Map.of("OPENAI_BASE_URL", sb.baseUrl(), "CHORUS_MODEL", "default"));
            new ClientMagic(session).run(notebook, List.of("--new"));
            magic.run(notebook, List.of("--no-stream"), "hi");
            assertEquals("Echo: hi", notebook.variables.get("answer"));
        }
    }
}

package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatClient;
import dev.chorus.sandbox.Sandbox;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.tablesaw.api.Table;

/** The Java API twins, outside a kernel (no displays, nothing bound). */
@Timeout(60)
class ChorusTest {

    @BeforeEach
    void offline() {
        Chorus.environment(Map.of());
    }

    @AfterEach
    void reset() {
        Chorus.reset();
        Chorus.environment(System.getenv());
    }

    @Test
    void clientPromptAndFanOutShareTheSession() throws Exception {
        ChatClient c = Chorus.client();
        assertSame(c, Chorus.client());
        Sandbox sb = Chorus.sandbox();
        assertEquals(sb.baseUrl(), c.baseUrl());
        assertTrue(Chorus.describe().contains("sandbox"));
        assertFalse(Chorus.describe().contains(sb.secret()));
        assertEquals("Echo: hi there", Chorus.prompt("hi there"));
        assertEquals("Echo: a", Chorus.prompt("a b c", "--max-tokens 2 --system \"Be terse.\""));

        Table t = Chorus.fanout(List.of("one", "two"), "--concurrency 2");
        assertEquals(List.of("Echo: one", "Echo: two"), t.stringColumn("answer").asList());
        Table rows = Chorus.fanout("Hi {name}", List.of(Map.of("name", "Ann"), Map.of("name", "Bob")), "");
        assertEquals(List.of("Ann", "Bob"), rows.stringColumn("name").asList());
        assertEquals(List.of("Echo: Hi Ann", "Echo: Hi Bob"), rows.stringColumn("answer").asList());
        String shown = (String) Chorus.table(rows, "--columns name,status").getData(MIMEType.TEXT_PLAIN);
        assertEquals("results: 2 rows × 2 columns\nname  status\nAnn   ok\nBob   ok", shown);
        assertEquals(2, Chorus.timeline(rows).bars().size());
    }

    /** A shape the sandbox answers for every prompt. */
    public record Mood(String label, int score) {
    }

    @Test
    void theTypedTwinWorksThroughTheBatchApiToo() throws Exception {
        Chorus.client();
        Chorus.sandbox("--batch-rate 5000");
        Results<Mood> r = Chorus.fanout("How does this sound: {it}", List.of("great", "awful", "fine"), Mood.class,
                "--batch --no-cache");
        assertEquals(3, r.table().rowCount());
        assertEquals(List.of("ok", "ok", "ok"), r.table().stringColumn("status").asList());
        assertEquals(3, r.values().size(), r.values().toString());
        assertTrue(r.values().stream().allMatch(m -> m.label() != null), r.values().toString());
        assertEquals(1, Chorus.client().batches().list(10, null).data().size(), "one batch");
    }

    @Test
    void clientOptionsAndSandboxOptions() throws Exception {
        Sandbox sb = Chorus.sandbox("--latency 5ms --seed 3");
        assertEquals(3, sb.behavior().seed());
        ChatClient c = Chorus.client("--concurrency 4 --model sandbox-small");
        assertEquals("sandbox-small", c.defaultModel());
        assertTrue(Chorus.describe().contains("concurrency 4"), Chorus.describe());
    }

    @Test
    void errorsUseTheMagicsText() throws Exception {
        assertEquals("Failed to process '%%fanout --over rows': --over names a notebook variable; pass the rows to Chorus.fanout(template, rows, options)",
                assertThrows(MagicException.class, () -> Chorus.fanout(List.of("x"), "--over rows")).headline());
        assertEquals("Failed to process '%%fanout': no prompts",
                assertThrows(MagicException.class, () -> Chorus.fanout(List.of(), "")).headline());
        assertEquals("Failed to process '%%fanout': the rows argument is a java.lang.String, not a Table, a List<Map>, a List<String> or a .csv/.jsonl file",
                assertThrows(MagicException.class, () -> Chorus.fanout("{it}", "text", "")).headline());
        assertEquals("Failed to process '%%prompt': the prompt is empty",
                assertThrows(MagicException.class, () -> Chorus.prompt(" ")).headline());
        assertEquals("Failed to process '%%prompt --temprature 1': unknown option --temprature (did you mean --temperature?)",
                assertThrows(MagicException.class, () -> Chorus.prompt("x", "--temprature 1")).headline());
        assertEquals("Failed to process '%client --api-key *** --key-id k': use either --key-id/--secret or --api-key, not both",
                assertThrows(MagicException.class, () -> Chorus.client("--api-key sk-123 --key-id k --secret s")).headline()
                        .replace(" --secret ***", ""));
    }

    @Test
    void everyMagicHasAUsageAndHelp() throws Exception {
        Session s = new Session();
        for (Object magic : List.of(new ClientMagic(s), new PromptMagic(s), new FanOutMagic(s), new TableMagic(s),
                new SandboxMagic(s))) {
            try {
                String usage = (String) magic.getClass().getMethod("usage").invoke(magic);
                assertTrue(usage.startsWith("%"), usage);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}

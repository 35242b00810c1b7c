package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Input lines written and output lines read, one at a time, as a batch's files hold them. */
class BatchLineTest {
    private static final String ANSWERED = "{\"id\":\"b1\",\"custom_id\":\"row-%d\",\"response\":{\"status_code\":200,"
            + "\"request_id\":\"req-%d\",\"body\":{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}},\"error\":null}";

    private static List<BatchLine> read(String text) throws Exception {
        List<BatchLine> out = new ArrayList<>();
        try (BatchLine.Reader r = new BatchLine.Reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            BatchLine l;
            while ((l = r.next()) != null) {
                out.add(l);
            }
            assertNull(r.next(), "stays at the end");
        }
        return out;
    }

    @Test
    void theWriterWritesTheLinesRequestGivesEachWithANewline() {
        ChatRequest a = ChatRequest.builder().user("say \"hi\"").maxTokens(4).build();
        ChatRequest b = ChatRequest.builder().model("other").system("be brief").user("ünïcode ✓").temperature(0.0).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BatchLine.Writer w = new BatchLine.Writer(out)) {
            w.write("row-0", a, "default");
            w.write("row-1/\"v\"", b, "default");
        }
        assertEquals("{\"custom_id\":\"row-0\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"default\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"say \\\"hi\\\"\"}],\"max_tokens\":4}}",
                BatchLine.request("row-0", a, "default"));
        assertEquals(BatchLine.request("row-0", a, "default") + "\n" + BatchLine.request("row-1/\"v\"", b, "default") + "\n",
                out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"model\":\"other\""), "the request's own model wins");
    }

    @Test
    void answeredLinesAreReadWithTheirAnswerTokensAndRequestId() throws Exception {
        String longText = "ä".repeat(3000);
        List<BatchLine> lines = read(String.format(ANSWERED, 0, 0, "Echo: p0") + "\n\n   \r\n"
                + String.format(ANSWERED, 1, 1, longText) + "\r\n" + String.format(ANSWERED, 2, 2, "last, no newline"));
        assertEquals(List.of("row-0", "row-1", "row-2"), lines.stream().map(BatchLine::customId).toList());
        BatchLine first = lines.get(0);
        assertTrue(first.ok());
        assertEquals(200, first.status());
        assertEquals("Echo: p0", first.completion().content());
        assertEquals(3, first.completion().usage().promptTokens());
        assertEquals(2, first.completion().usage().completionTokens());
        assertEquals("req-0", first.completion().requestId());
        assertEquals(longText, lines.get(1).completion().content(), "a line longer than the reader's first buffer, in UTF-8");
        assertEquals("last, no newline", lines.get(2).completion().content());
    }

    @Test
    void aCharacterSplitAcrossTheReadersChunksIsReadWhole() throws Exception {
        // The reader takes 64 KB at a time: put a three-byte character across that boundary.
        String prefix = String.format(ANSWERED, 0, 0, "");
        int at = prefix.indexOf("\"content\":\"") + 11;
        String pad = "a".repeat(65_536 - at - 1);
        List<BatchLine> lines = read(String.format(ANSWERED, 0, 0, pad + "✓✓") + "\n" + String.format(ANSWERED, 1, 1, "next"));
        assertEquals(pad + "✓✓", lines.get(0).completion().content());
        assertEquals("next", lines.get(1).completion().content());
    }

    @Test
    void theStreamedReadingAgreesWithTheTreeOnOddLines() throws Exception {
        // A second "response" (the last wins in the tree) and trailing text go to the tree reading.
        String twice = "{\"custom_id\":\"row-1\",\"response\":{\"status_code\":200,\"body\":{\"choices\":"
                + "[{\"message\":{\"content\":\"x\"}}]}},\"response\":null,\"error\":{\"code\":\"batch_expired\"}}";
        assertTrue(BatchLine.parse(twice).expired());
        String trailing = String.format(ANSWERED, 2, 2, "y") + " {}";
        assertEquals("y", BatchLine.parse(trailing).completion().content());
    }

    @Test
    void linesOfOtherShapesAreReadToo() throws Exception {
        String bodyFirst = "{\"custom_id\":\"row-3\",\"response\":{\"body\":{\"choices\":[{\"message\":{\"content\":\"late status\"}}]},"
                + "\"status_code\":200}}";
        String failed = "{\"custom_id\":\"row-4\",\"response\":{\"status_code\":500,\"body\":{\"error\":{\"code\":\"server_error\","
                + "\"message\":\"boom\"}}},\"error\":null}";
        String expired = "{\"custom_id\":\"row-5\",\"response\":null,\"error\":{\"code\":\"batch_expired\","
                + "\"message\":\"This request could not be executed before the completion window expired.\"}}";
        String cancelled = "{\"custom_id\":\"row-6\",\"error\":{\"code\":\"batch_cancelled\",\"message\":\"cancelled\"}}";
        List<BatchLine> lines = read(String.join("\n", bodyFirst, failed, expired, cancelled) + "\n");
        assertEquals("late status", lines.get(0).completion().content());
        assertTrue(lines.get(0).ok());
        assertFalse(lines.get(1).ok());
        assertEquals(500, lines.get(1).status());
        assertEquals("server_error", lines.get(1).errorCode());
        assertEquals("boom", lines.get(1).error());
        assertTrue(lines.get(2).expired());
        assertEquals(0, lines.get(2).status());
        assertTrue(lines.get(3).cancelled());
    }

    @Test
    void aLineThatIsNotAnOutputLineIsRefusedInOneLine() {
        var e = assertThrows(MalformedResponseException.class, () -> read(String.format(ANSWERED, 0, 0, "ok") + "\nnot json\n"));
        assertTrue(e.getMessage().contains("without custom_id: not json"), e.getMessage());
        var bad = assertThrows(MalformedResponseException.class, () -> read("{\"custom_id\":\"row-1\",\"response\":"
                + "{\"status_code\":200,\"body\":{\"nothing\":1}}}\n"));
        assertTrue(bad.getMessage().contains("no \"choices\""), bad.getMessage());
    }
}

package dev.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class SseReaderTest {
    private static List<String> read(String stream) throws IOException {
        SseReader reader = new SseReader(new Buffer().writeUtf8(stream));
        List<String> out = new ArrayList<>();
        for (String s = reader.next(); s != null; s = reader.next()) {
            out.add(s);
        }
        assertNull(reader.next());
        return out;
    }

    @Test
    void readsDataEventsAndStopsAtDone() throws IOException {
        assertEquals(List.of("a", "b"), read("data: a\n\ndata:b\n\ndata: [DONE]\n\ndata: c\n\n"));
    }

    @Test
    void joinsMultiLineDataAndSkipsOtherFields() throws IOException {
        assertEquals(List.of("x\ny", "z"),
                read(": comment\nevent: message\nid: 1\nretry: 10\ndata: x\ndata: y\n\n\n\ndata: z\n"));
    }

    @Test
    void handlesCrLfAndEndOfStreamWithoutBlankLine() throws IOException {
        assertEquals(List.of("one", "two"), read("data: one\r\n\r\ndata: two"));
    }
}

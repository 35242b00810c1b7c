package dev.chorus.kernel;

import org.dflib.jjava.jupyter.messages.publish.PublishStream;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dflib.jjava.jupyter.messages.MessageContext;

/**
 * The notebook's stdout or stderr: buffers bytes per cell and publishes them as stream messages on
 * flush, each under the cell whose thread wrote them, so a thread a cell started keeps printing
 * under that cell while later cells run.
 *
 * <p>Threading: every method is synchronized; notebook threads write, the kernel's flusher flushes
 * every few milliseconds so text written without a newline still shows while a cell runs. A partial
 * UTF-8 sequence at the end of a buffer waits for its remaining bytes. Never throws.
 */
final class NotebookStream extends OutputStream {

    private final PublishStream.StreamType type;
    private final CellPublisher publisher;
    /** Text not yet published, per cell (null: written before any cell), in order of first write. */
    private final Map<MessageContext, ByteArrayOutputStream> buffers = new LinkedHashMap<>();

    NotebookStream(PublishStream.StreamType type, CellPublisher publisher) {
        this.type = type;
        this.publisher = publisher;
    }

    private ByteArrayOutputStream buffer() {
        return buffers.computeIfAbsent(publisher.context(), c -> new ByteArrayOutputStream(256));
    }

    @Override
    public synchronized void write(int b) {
        buffer().write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buffer().write(b, off, len);
    }

    @Override
    public synchronized void flush() {
        Iterator<Map.Entry<MessageContext, ByteArrayOutputStream>> it = buffers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<MessageContext, ByteArrayOutputStream> e = it.next();
            ByteArrayOutputStream buffer = e.getValue();
            byte[] bytes = buffer.toByteArray();
            int complete = completeLength(bytes);
            buffer.reset();
            if (complete < bytes.length) {
                buffer.write(bytes, complete, bytes.length - complete);
            } else {
                it.remove();
            }
            if (complete > 0) {
                String text = new String(Arrays.copyOf(bytes, complete), StandardCharsets.UTF_8);
                publisher.publishStream(e.getKey(), new PublishStream(type, text));
            }
        }
    }
    /** Length of the prefix that ends on a UTF-8 character boundary. */
    static int completeLength(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for the lead byte
            }
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}

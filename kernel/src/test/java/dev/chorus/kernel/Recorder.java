package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An outlet that records every published message, for assertions; public so the in-kernel magic
 * tests (another package) record with it too.
 */
public class Recorder implements Outlet {

    private final List<ContentType<?>> messages = new ArrayList<>();

    @Override
    public synchronized void publish(MessageContext parent, ContentType<?> content) {
        messages.add(content);
        notifyAll();
    }

    public synchronized List<ContentType<?>> messages() {
        return new ArrayList<>(messages);
    }

    public synchronized void clear() {
        messages.clear();
    }

    /** All stdout text so far. */
    public synchronized String stdout() {
        StringBuilder sb = new StringBuilder();
        for (ContentType<?> c : messages) {
            if (c instanceof PublishStream s && s.getStreamType() == PublishStream.StreamType.OUT) {
                sb.append(s.getText());
            }
        }
        return sb.toString();
    }

    public <T> List<T> of(Class<T> type) {
        return messages().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits (bounded) until a message matches. */
    public synchronized ContentType<?> await(Predicate<ContentType<?>> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (ContentType<?> c : messages) {
                if (p.test(c)) {
                    return c;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message in " + messages);
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    public static String text(DisplayData d) {
        Object t = d.getData(MIMEType.TEXT_PLAIN);
        return t == null ? null : t.toString();
    }
}

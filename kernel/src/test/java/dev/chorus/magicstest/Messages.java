package dev.chorus.magicstest;

import dev.chorus.kernel.Outlet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/** An outlet that records every message the kernel publishes, for assertions. */
final class Messages implements Outlet {
    private final List<ContentType<?>> messages = new ArrayList<>();

    @Override
    public synchronized void publish(MessageContext parent, ContentType<?> content) {
        messages.add(content);
        notifyAll();
    }

    synchronized List<ContentType<?>> all() {
        return new ArrayList<>(messages);
    }

    synchronized void clear() {
        messages.clear();
    }

    <T> List<T> of(Class<T> type) {
        return all().stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<PublishDisplayData> displays() {
        return of(PublishDisplayData.class);
    }

    List<PublishUpdateDisplayData> updates() {
        return of(PublishUpdateDisplayData.class);
    }

    static String text(DisplayData d) {
        Object t = d.getData(MIMEType.TEXT_PLAIN);
        return t == null ? null : t.toString();
    }

    static String html(DisplayData d) {
        Object t = d.getData(MIMEType.TEXT_HTML);
        return t == null ? null : t.toString();
    }

    /** Every text the user could see: all MIME data of displays and updates, stream text, errors. */
    synchronized String everything() {
        StringBuilder b = new StringBuilder();
        for (ContentType<?> c : messages) {
            if (c instanceof DisplayData d) {
                for (String mime : List.of("text/plain", "text/html", "image/svg+xml")) {
                    Object v = d.getData(MIMEType.parse(mime));
                    if (v != null) {
                        b.append(v).append('\n');
                    }
                }
            } else if (c instanceof PublishStream s) {
                b.append(s.getText()).append('\n');
            } else if (c instanceof PublishError e) {
                b.append(e.getErrorName()).append(": ").append(e.getErrorMessage()).append('\n');
                e.getStacktrace().forEach(l -> b.append(l).append('\n'));
            }
        }
        return b.toString();
    }

    /** Waits (at most 20 s) until a message matches. */
    synchronized ContentType<?> await(Predicate<ContentType<?>> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (ContentType<?> c : messages) {
                if (p.test(c)) {
                    return c;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message in " + messages.size() + " messages");
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }
}

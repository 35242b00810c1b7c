package dev.chorus.kernel;

import dev.chorus.kernel.execution.CellContext;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes every output of the kernel to its {@link Outlet}, attributed to the right cell.
 *
 * <p>A thread that runs a cell, every thread it starts and every task notebook code submits to an
 * executor ({@link CellContext}) publishes under that cell's request; any other thread publishes
 * under the last cell that started. Before a
 * non-stream message goes out, the buffered stdout/stderr text is flushed so output keeps its order.
 * Thread-safe.
 */
final class CellPublisher {

    private final List<NotebookStream> streams = new CopyOnWriteArrayList<>();
    private volatile MessageContext last;
    private volatile Outlet outlet;

    CellPublisher(Outlet outlet) {
        this.outlet = outlet;
    }

    void outlet(Outlet outlet) {
        this.outlet = outlet;
    }

    /** Marks the start of a cell: called on the last-cell fallback path (the shell thread). */
    void lastCell(MessageContext context) {
        this.last = context;
    }

    /** Binds the calling thread (the cell thread), the threads it starts and the tasks it submits to a cell. */
    void bindThread(MessageContext context) {
        CellContext.set(context);
    }

    MessageContext context() {
        return CellContext.current() instanceof MessageContext c ? c : last;
    }

    void register(NotebookStream stream) {
        streams.add(stream);
    }

    void flushStreams() {
        for (NotebookStream s : streams) {
            s.flush();
        }
    }

    void publish(ContentType<?> content) {
        publish(context(), content);
    }

    void publish(MessageContext context, ContentType<?> content) {
        if (!(content instanceof PublishStream)) {
            flushStreams();
        }
        try {
            outlet.publish(context, content);
        } catch (RuntimeException e) {
            // An outlet that fails (socket closed during shutdown) must not break the notebook code that printed.
        }
    }

    /** Stream text goes out without flushing the other stream first. */
    void publishStream(MessageContext context, PublishStream content) {
        try {
            outlet.publish(context, content);
        } catch (RuntimeException e) {
            // see publish
        }
    }
}

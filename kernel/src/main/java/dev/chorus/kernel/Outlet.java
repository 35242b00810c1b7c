package dev.chorus.kernel;

import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageContext;

/**
 * Where the kernel's published output goes: the IOPub socket of a Jupyter connection, or a recorder
 * in the headless runner and in tests.
 *
 * <p>Threading: called from any thread (the cell thread, the output flusher, notebook background
 * threads, magics' progress threads); implementations must be thread-safe. Must not block for long and
 * must not throw: a failing outlet loses that one message.
 */
@FunctionalInterface
public interface Outlet {

    /**
     * Publishes one IOPub message.
     *
     * @param parent the request the output belongs to (the cell's execute_request), or null when there is
     *               none (headless runs, output before the first cell)
     * @param content the message content: stream, display_data, update_display_data, execute_result,
     *                error, clear_output or status
     */
    void publish(MessageContext parent, ContentType<?> content);
}

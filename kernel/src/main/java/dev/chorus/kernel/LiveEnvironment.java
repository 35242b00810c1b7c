package dev.chorus.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;

/**
 * A reply environment that stays attached for the whole life of the kernel, so jjava's
 * {@code DisplayStream} and output streams publish from any thread at any time, before, during and
 * after the cell that created them.
 *
 * <p>Publishing is routed through the {@link CellPublisher}, which picks the cell to attribute the
 * message to. It has no shell socket: replies and stdin are not available through it.
 */
final class LiveEnvironment extends ShellReplyEnvironment {

    private final CellPublisher publisher;

    LiveEnvironment(CellPublisher publisher) {
        super(null, null, null, null);
        this.publisher = publisher;
    }

    @Override
    public void publish(Message<?> msg) {
        if (msg.getContent() instanceof ContentType<?> content) {
            publisher.publish(content);
        }
    }

    @Override
    public <T extends ContentType<T>> void publish(T content) {
        publisher.publish(content);
    }

    @Override
    public void reply(Message<?> msg) {
        // no shell socket: replies belong to the request's own environment
    }

    @Override
    public <T extends ContentType<T>> void reply(T content) {
        // see reply(Message)
    }

    @Override
    public void replyError(MessageType<?> type, ErrorReply error) {
        // see reply(Message)
    }

    @Override
    public String readFromStdIn(String prompt, boolean isPassword) {
        throw new UnsupportedOperationException("stdin is not available in this kernel");
    }
}

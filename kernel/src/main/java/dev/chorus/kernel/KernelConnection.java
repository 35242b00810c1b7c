package dev.chorus.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.reply.InputReply;
import org.dflib.jjava.jupyter.messages.request.InputRequest;
import org.zeromq.ZMQ;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

/**
 * The kernel's ZeroMQ connection: jjava's, except that the shell and control sockets wake up as soon as a
 * request arrives. jjava's channels poll without waiting and then sleep 50 ms, which adds up to 50 ms to
 * every request (a notebook's {@code 1+1}, every completion); here each channel thread blocks in a ZeroMQ
 * poll instead.
 *
 * <p>Threading: one thread per shell/control socket reads requests and runs their handlers, as in jjava.
 * The owner calls {@link #close()} (jjava calls it on a shutdown_request); it closes every socket.
 * Binding fails with jjava's (ZeroMQ's) exception when a port is taken.
 */
final class KernelConnection extends JupyterConnection {

    /** How long a channel thread waits in one poll: bounds how late it notices {@link #close()}. */
    private static final int POLL_MILLIS = 200;

    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final ShellSocket shellSocket;
    private final ShellSocket controlSocket;
    private volatile boolean connected;
    private volatile boolean closed;

    KernelConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        this.shellSocket = new ShellSocket(context, hmac, false, this);
        this.controlSocket = new ShellSocket(context, hmac, true, this);
    }

    private final Object stdinLock = new Object();

    /**
     * Asks the front end for a line of input: an input_request on the stdin socket under
     * {@code parent} (the running cell's execute_request), then waits for its input_reply.
     * {@code password} asks the front end not to echo it. Returns the line without its newline.
     *
     * @param stop true once the cell has been interrupted
     * @throws InterruptedException when the waiting thread is interrupted or {@code stop} says so (the
     *                              cell was stopped), or the connection closes; an answer that comes
     *                              later is dropped
     */
    String readLine(MessageContext parent, String prompt, boolean password, java.util.function.BooleanSupplier stop)
            throws InterruptedException {
        synchronized (stdinLock) {
            ZMQ.Poller poller = context.poller(1);
            poller.register(stdin, ZMQ.Poller.POLLIN);
            try {
                // An answer to an earlier request whose cell was interrupted is not this one's.
                drain(poller, stop);
                stdin.sendMessage(new Message<>(parent, InputRequest.MESSAGE_TYPE, new InputRequest(prompt, password)));
                while (true) {
                    // The poll may swallow the thread's interrupt flag: the kernel's own flag says it too.
                    if (Thread.interrupted() || stop.getAsBoolean() || closed) {
                        throw new InterruptedException("stopped while waiting for input");
                    }
                    if (poller.poll(POLL_MILLIS) > 0) {
                        Message<?> answer = stdin.readMessage();
                        if (answer.getContent() instanceof InputReply reply) {
                            return reply.getValue();
                        }
                    }
                }
            } finally {
                poller.close();
            }
        }
    }

    /**
     * Reads and drops what waits on the stdin socket: answers to requests of cells that were
     * interrupted. A poll fails (-1) while the thread's interrupt flag is set, which an interrupt of
     * an earlier cell can leave behind; the kernel's own flag says whether this cell was stopped.
     */
    private void drain(ZMQ.Poller poller, java.util.function.BooleanSupplier stop) throws InterruptedException {
        for (int tries = 0; tries < 100; tries++) {
            int ready = poller.poll(0);
            if (ready == 0) {
                return;
            }
            if (ready > 0) {
                stdin.readMessage();
            } else if (Thread.interrupted() && stop.getAsBoolean()) {
                throw new InterruptedException("stopped while waiting for input");
            }
        }
    }

    /**
     * True when another request already waits on the shell socket: called by the handler of a cell that
     * failed, before its reply goes out, it tells the rest of a Run All (sent at once, before any reply)
     * from a request a front end sends after reading the failure.
     */
    boolean shellRequestWaiting() {
        return shellSocket.pending();
    }

    @Override
    public synchronized void connect() {
        if (connected) {
            return;
        }
        heartbeat.bind(props);
        shellSocket.bind(props);
        controlSocket.bind(props);
        stdin.bind(props);
        iopub.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        shellSocket.close();
        controlSocket.close();
        context.close();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        shellSocket.waitUntilClose();
        controlSocket.waitUntilClose();
        super.waitUntilClose();
    }

    /** A shell or control socket whose thread blocks in a poll until a request arrives. */
    private static final class ShellSocket extends ShellChannel {

        private final boolean control;
        private final JupyterConnection connection;
        private volatile Thread thread;
        private volatile boolean running;

        ShellSocket(ZMQ.Context context, HMACGenerator hmac, boolean control, JupyterConnection connection) {
            super(context, hmac, control, connection);
            this.control = control;
            this.connection = connection;
        }

        @Override
        public void bind(KernelConnectionProperties p) {
            bind(formatAddress(p.getTransport(), p.getIp(), control ? p.getControlPort() : p.getShellPort()));
            running = true;
            Thread t = new Thread(this::loop, control ? "chorus-control" : "chorus-shell");
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        /** True when a request waits on this socket (called on this socket's own thread, by a handler). */
        boolean pending() {
            ZMQ.Poller p = poller;
            return p != null && p.poll(0) > 0;
        }

        private volatile ZMQ.Poller poller;

        private void loop() {
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            this.poller = poller;
            try {
                while (running) {
                    if (poller.poll(POLL_MILLIS) > 0 && running) {
                        Message<?> message;
                        try {
                            message = readMessage();
                        } catch (RuntimeException e) {
                            if (closed) {
                                return;
                            }
                            continue; // a malformed or badly signed message: jjava drops it too
                        }
                        handle(message);
                    }
                }
            } catch (RuntimeException e) {
                // the socket was closed under the poll: the connection is going away
            } finally {
                poller.close();
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void handle(Message message) {
            ShellHandler handler = connection.getHandler(message.getHeader().getType());
            if (handler == null) {
                return; // jjava ignores request types it has no handler for, and so do we
            }
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
            try {
                handler.handle(env, message);
            } catch (Exception e) {
                // a handler that fails still gets its deferred replies and idle status sent below
            } finally {
                env.resolveDeferrals();
            }
            if (env.isMarkedForShutdown()) {
                running = false;
                connection.close();
            }
        }

        @Override
        public void close() {
            running = false;
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(POLL_MILLIS * 5L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.close();
        }

        @Override
        public void waitUntilClose() {
            Thread t = thread;
            if (t == null) {
                return;
            }
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

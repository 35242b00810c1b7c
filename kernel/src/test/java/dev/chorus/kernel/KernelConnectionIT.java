package dev.chorus.kernel;

import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.CompleteReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.ShutdownReply;
import org.dflib.jjava.jupyter.messages.request.CompleteRequest;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel on its own ZeroMQ connection, spoken to over loopback sockets as Jupyter does. */
class KernelConnectionIT {

    private static final String SESSION = "kernel-connection-it";

    /** A client-side socket (DEALER) that signs and reads Jupyter messages like the kernel's own. */
    private static final class Client extends JupyterSocket {
        Client(ZMQ.Context ctx, KernelConnectionProperties p, int port) throws Exception {
            super(ctx, SocketType.DEALER, p.createHMACGenerator(), LoggerFactory.getLogger("test-client"));
            connect(formatAddress(p.getTransport(), p.getIp(), port));
        }

        /** The next message, which must be of this type; fails after 30 s without one (a socket timeout would spin). */
        <T> T next(MessageType<T> type) {
            ZMQ.Poller poller = ctx.poller(1);
            try {
                poller.register(this, ZMQ.Poller.POLLIN);
                if (poller.poll(30_000) <= 0) {
                    throw new AssertionError("no " + type + " within 30 s");
                }
            } finally {
                poller.close();
            }
            return readMessage(type).getContent();
        }

        @Override
        public void bind(KernelConnectionProperties connProps) {
            throw new UnsupportedOperationException("a client connects");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void answersExecuteAndCompleteThenShutsDownOnRequest() throws Exception {
        KernelConnectionProperties props = new KernelConnectionProperties("127.0.0.1", freePort(), freePort(),
                freePort(), freePort(), freePort(), "tcp", "hmac-sha256", "test-signing-key");
        ChorusKernel kernel = ChorusKernel.builder().captureSystemStreams(false).build();
        KernelConnection connection = new KernelConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        Thread waiter = new Thread(connection::waitUntilClose);
        waiter.start();
        ZMQ.Context ctx = ZMQ.context(1);
        try (Client shell = new Client(ctx, props, props.getShellPort());
             Client control = new Client(ctx, props, props.getControlPort())) {
            for (int i = 1; i <= 3; i++) {
                shell.sendMessage(new Message<>(new Header<>(SESSION, ExecuteRequest.MESSAGE_TYPE),
                        new ExecuteRequest("20 + " + i, false, true, Map.of(), false, true)));
                ExecuteReply reply = shell.next(ExecuteReply.MESSAGE_TYPE);
                assertEquals(ExecuteReply.Status.OK, reply.getStatus());
                assertEquals(i, reply.getExecutionCount());
            }
            shell.sendMessage(new Message<>(new Header<>(SESSION, CompleteRequest.MESSAGE_TYPE), new CompleteRequest("Math.ma", 7)));
            CompleteReply completion = shell.next(CompleteReply.MESSAGE_TYPE);
            assertTrue(completion.getMatches().contains("max("), completion.getMatches().toString());

            control.sendMessage(new Message<>(new Header<>(SESSION, ShutdownRequest.MESSAGE_TYPE), ShutdownRequest.SHUTDOWN));
            ShutdownReply bye = control.next(ShutdownReply.MESSAGE_TYPE);
            assertFalse(bye.isRestart());
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive(), "the connection did not close after shutdown_request");
        } finally {
            connection.close();
            kernel.close();
            ctx.close();
        }
    }
}

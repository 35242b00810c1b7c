package dev.chorus.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback HTTP/1.1 server that reads one request, optionally writes the start of a response,
 * then never finishes it; it records when the client has read the request and when the client
 * closes the connection.
 */
final class HangingServer implements AutoCloseable {
    final CountDownLatch requestRead = new CountDownLatch(1);
    final CountDownLatch clientClosed = new CountDownLatch(1);
    private final ServerSocket socket;
    private final Thread thread;

    HangingServer(String responsePrefix) throws IOException {
        socket = new ServerSocket(0, 50, Bodies.loopback());
        thread = Thread.ofPlatform().daemon().name("hanging-server").start(() -> serve(responsePrefix));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private void serve(String responsePrefix) {
        try (Socket s = socket.accept()) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            in.readNBytes(length);
            if (responsePrefix != null) {
                s.getOutputStream().write(responsePrefix.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
            }
            requestRead.countDown();
            while (in.read() >= 0) {
                // wait for the client to hang up
            }
            clientClosed.countDown();
        } catch (IOException e) {
            clientClosed.countDown();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

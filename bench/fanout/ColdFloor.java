import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a cold JVM allows at S1's shape without Chorus: N chat requests, C at a time, each of C
 * virtual threads taking the next request when its last one is answered (the same waves as a
 * fan-out's concurrency limit), over one HTTP transport:
 * <ul>
 *   <li>{@code raw}: HTTP/1.1 written and read by hand on a {@link Socket} per thread, kept
 *       alive: no library at all, the floor of what the JVM itself costs;</li>
 *   <li>{@code okhttp}: OkHttp with its defaults (the client Chorus is built on), a pool of C
 *       connections, {@code execute} on each virtual thread;</li>
 *   <li>{@code jdk}: the JDK's {@code java.net.http.HttpClient} over HTTP/1.1, {@code send} on each
 *       virtual thread.</li>
 * </ul>
 * No JSON library in any: the body is a string, an answer counts as ok when it is a 200 whose
 * body holds {@code "choices"}. Prints {@code RESULT wall_s=... ok=... err=...} like the client
 * (wall from the first request's start to the last answer's end). Run by bench/fanout/cold-floor.
 */
public class ColdFloor {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ColdFloor raw|okhttp|jdk BASE_URL N C");
            System.exit(2);
        }
        String mode = args[0];
        String url = args[1].replaceAll("/+$", "") + "/chat/completions";
        int n = Integer.parseInt(args[2]);
        int c = Integer.parseInt(args[3]);
        Transport transport = switch (mode) {
            case "raw" -> new Raw(URI.create(url));
            case "okhttp" -> new Ok(url, c);
            case "jdk" -> new Jdk(url);
            default -> throw new IllegalArgumentException("mode: raw, okhttp or jdk, not " + mode);
        };
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        long[] start = new long[n];
        long[] end = new long[n];
        Thread[] slots = new Thread[Math.min(c, n)];
        for (int s = 0; s < slots.length; s++) {
            slots[s] = Thread.ofVirtual().start(() -> {
                try (Connection conn = transport.open()) {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        start[i] = System.nanoTime();
                        String body = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"question "
                                + i + "\"}]}";
                        try {
                            if (conn.post(body)) {
                                ok.incrementAndGet();
                            }
                        } catch (Exception e) {
                            // counted as an error: not ok
                        }
                        end[i] = System.nanoTime();
                    }
                } catch (Exception e) {
                    System.err.println("cold-floor: " + e);
                }
            });
        }
        for (Thread t : slots) {
            t.join();
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (int i = 0; i < n; i++) {
            if (start[i] != 0) {
                first = Math.min(first, start[i]);
                last = Math.max(last, end[i]);
            }
        }
        double wall = first == Long.MAX_VALUE ? 0 : (last - first) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT wall_s=%.3f ok=%d err=%d%n", wall, ok.get(), n - ok.get());
        System.out.flush();
        transport.close();
        System.exit(0);
    }

    interface Transport {
        Connection open();

        default void close() {
        }
    }

    /** What one virtual thread posts through: its own socket for {@code raw}, the shared client otherwise. */
    interface Connection extends AutoCloseable {
        /** Posts a chat request and reads the whole answer: true when it is a 200 with choices. */
        boolean post(String body) throws Exception;

        @Override
        default void close() throws IOException {
        }
    }

    /**
     * HTTP/1.1 by hand: Content-Length or chunked answers, one kept-alive socket per thread, opened
     * by its first request (inside that request's time, as the clients' pools do).
     */
    record Raw(URI uri) implements Transport {
        @Override
        public Connection open() {
            String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer sk-bench\r\nContent-Type: application/json\r\nContent-Length: ";
            return new Connection() {
                private Socket socket;
                private OutputStream out;
                private InputStream in;

                @Override
                public boolean post(String body) throws IOException {
                    if (socket == null) {
                        socket = new Socket(uri.getHost(), uri.getPort());
                        socket.setTcpNoDelay(true);
                        out = new BufferedOutputStream(socket.getOutputStream());
                        in = new BufferedInputStream(socket.getInputStream());
                    }
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    out.write((head + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.flush();
                    String status = line(in);
                    long length = -1;
                    boolean chunked = false;
                    for (String h = line(in); !h.isEmpty(); h = line(in)) {
                        String lower = h.toLowerCase(Locale.ROOT);
                        if (lower.startsWith("content-length:")) {
                            length = Long.parseLong(lower.substring(15).trim());
                        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                            chunked = true;
                        }
                    }
                    StringBuilder answer = new StringBuilder();
                    if (chunked) {
                        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                            answer.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                            line(in);
                        }
                        line(in);
                    } else if (length >= 0) {
                        answer.append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
                    } else {
                        throw new IOException("no length");
                    }
                    return status.startsWith("HTTP/1.1 200") && answer.indexOf("\"choices\"") >= 0;
                }

                @Override
                public void close() throws IOException {
                    if (socket != null) {
                        socket.close();
                    }
                }
            };
        }

        /** A chunk's size line (hex, extensions after ';' ignored). */
        private static int chunkSize(InputStream in) throws IOException {
            return Integer.parseInt(line(in).split(";")[0].trim(), 16);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }
    }

    static final class Ok implements Transport {
        private static final MediaType JSON = MediaType.get("application/json");
        private final OkHttpClient client;
        private final HttpUrl url;

        Ok(String url, int c) {
            this.url = HttpUrl.get(url);
            this.client = new OkHttpClient.Builder().connectionPool(new ConnectionPool(c, 5, TimeUnit.MINUTES)).build();
        }

        @Override
        public Connection open() {
            return body -> {
                Request request = new Request.Builder().url(url).header("Authorization", "Bearer sk-bench")
                        .post(RequestBody.create(body, JSON)).build();
                try (Response response = client.newCall(request).execute()) {
                    return response.code() == 200 && response.body().string().contains("\"choices\"");
                }
            };
        }

        @Override
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static final class Jdk implements Transport {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        private final URI uri;

        Jdk(String url) {
            this.uri = URI.create(url);
        }

        @Override
        public Connection open() {
            return body -> {
                HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer sk-bench")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && response.body().contains("\"choices\"");
            };
        }
    }
}

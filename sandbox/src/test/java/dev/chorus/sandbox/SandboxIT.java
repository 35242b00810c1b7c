package dev.chorus.sandbox;

import static dev.chorus.sandbox.Wire.STATIC_KEY;
import static dev.chorus.sandbox.Wire.chat;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SandboxIT {

    @Test
    void urlsNameTheBoundPort() {
        try (Sandbox sb = Sandbox.start()) {
            assertTrue(sb.port() > 0);
            assertEquals("http://127.0.0.1:" + sb.port(), sb.rootUrl());
            assertEquals("http://127.0.0.1:" + sb.port() + "/v1", sb.baseUrl());
            assertEquals("http://127.0.0.1:" + sb.port() + "/api/v1/auth/token", sb.tokenUrl());
            assertEquals("Sandbox[http://127.0.0.1:" + sb.port() + "/v1]", sb.toString());
        }
    }

    @Test
    void closeFreesThePortAndEndsTheThreads() throws IOException {
        int port;
        try (Sandbox sb = Sandbox.start()) {
            port = sb.port();
            assertEquals(200, post(sb.baseUrl() + "/chat/completions", chat("x"), STATIC_KEY).statusCode());
            // A hung request must not keep the server alive.
            Wire.CLIENT.sendAsync(Wire.request(sb.baseUrl() + "/models", "Authorization", "Bearer sk-x",
                    "X-Sandbox-Fault", "hang").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("chorus-sandbox")));
        }
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("chorus-sandbox") || t.getName().contains("globalEventExecutor"))
                .map(Thread::getName).toList();
        assertEquals(List.of(), left);
    }

    @Test
    void http2UpgradeAttemptsAreAnsweredOverHttp11() throws Exception {
        try (Sandbox sb = Sandbox.start(); java.net.http.HttpClient h2 = java.net.http.HttpClient.newHttpClient()) {
            HttpResponse<String> r = h2.send(Wire.request(sb.baseUrl() + "/chat/completions", STATIC_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("upgrade?"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(java.net.http.HttpClient.Version.HTTP_1_1, r.version());
            assertTrue(r.body().contains("Echo: upgrade?"));
        }
    }

    @Test
    void closeIsIdempotent() {
        Sandbox sb = Sandbox.start();
        sb.close();
        sb.close();
    }

    @Test
    void busyPortFailsWithUncheckedIoException() {
        try (Sandbox first = Sandbox.start()) {
            Behavior same = Behavior.builder().port(first.port()).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Sandbox.start(same));
            assertTrue(e.getMessage().startsWith("cannot bind the sandbox to 127.0.0.1:" + first.port() + ": "),
                    e.getMessage());
        }
    }

    @Test
    void fixedPortIsUsed() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        try (Sandbox sb = Sandbox.start(Behavior.builder().port(free).build())) {
            assertEquals(free, sb.port());
        }
    }

    @Test
    void behaviourChangesAtRunTime() {
        try (Sandbox sb = Sandbox.start()) {
            String url = sb.baseUrl() + "/chat/completions";
            assertEquals(200, post(url, chat("x"), STATIC_KEY).statusCode());
            sb.behavior(sb.behavior().toBuilder().failRate(1).faults(Fault.UNAVAILABLE_503).build());
            assertEquals(503, post(url, chat("x"), STATIC_KEY).statusCode());
            sb.behavior(Behavior.DEFAULT);
            assertEquals(200, post(url, chat("x"), STATIC_KEY).statusCode());
        }
    }

    @Test
    void statsCountRoutesAndMaxInFlight() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().latency(Duration.ofMillis(300)).build())) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(Wire.CLIENT.sendAsync(Wire.request(sb.baseUrl() + "/chat/completions", STATIC_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(chat("n" + i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            calls.forEach(c -> assertEquals(200, c.join().statusCode()));
            Wire.get(sb.rootUrl() + "/get");
            Stats s = sb.stats();
            assertEquals(8, s.requests("chat"));
            assertEquals(1, s.requests("get"));
            assertEquals(9, s.totalRequests());
            assertEquals(0, s.inFlight());
            assertTrue(s.maxInFlight() >= 2 && s.maxInFlight() <= 8, "max in flight " + s.maxInFlight());
            sb.resetStats();
            assertEquals(0, sb.stats().totalRequests());
            assertFalse(sb.stats().requests().containsKey("chat"));
        }
    }
}

package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client end to end against the embedded sandbox: IAM auth, answers, streams, faults, fan-out width. */
class SandboxIT {
    private Sandbox sandbox;
    private ChatClient client;
    private final RecordingSleeper sleeper = new RecordingSleeper();

    private ChatClient evolution(Behavior behavior) {
        sandbox = Sandbox.start(behavior);
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).evolution(sandbox.keyId(), sandbox.secret())
                .tokenUrl(sandbox.tokenUrl()).model("default").sleeper(sleeper).build();
        return client;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().system("Be terse.").user(text).maxTokens(64).build();
    }

    private static RequestOptions fault(String kind) {
        return RequestOptions.builder().header("X-Sandbox-Fault", kind).build();
    }

    @Test
    void answersWithEvolutionAuthAndOneToken() {
        evolution(Behavior.DEFAULT);
        ChatCompletion a = client.chat().completions().create(ask("Name three primes."));
        ChatCompletion b = client.chat().completions().create(ask("again"));
        assertEquals("Echo: Name three primes.", a.content());
        assertEquals("Echo: again", b.content());
        assertNotNull(a.usage());
        assertTrue(a.usage().totalTokens() > 0);
        assertEquals(1, sandbox.stats().tokensIssued());
        assertFalse(client.models().list().isEmpty());
    }

    @Test
    void refreshesTheTokenBeforeItExpires() {
        FakeClock clock = new FakeClock();
        sandbox = Sandbox.start(Behavior.DEFAULT);
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).evolution(sandbox.keyId(), sandbox.secret())
                .tokenUrl(sandbox.tokenUrl()).model("default").clock(clock).build();
        client.chat().completions().create(ask("one"));
        clock.advance(Duration.ofMinutes(59).plusSeconds(31));
        client.chat().completions().create(ask("two"));
        assertEquals(2, sandbox.stats().tokensIssued());
    }

    @Test
    void aTokenTheServerExpiredIsReplacedAndTheRequestRetried() throws Exception {
        sandbox = Sandbox.start(Behavior.builder().tokenLifetime(Duration.ofSeconds(1)).build());
        // The client's clock stands still, so it keeps using its token until the server says 401.
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).evolution(sandbox.keyId(), sandbox.secret())
                .tokenUrl(sandbox.tokenUrl()).model("default").clock(new FakeClock()).build();
        client.chat().completions().create(ask("one"));
        Thread.sleep(1500);
        ChatCompletion two = client.chat().completions().create(ask("two"));
        assertEquals("Echo: two", two.content());
        assertEquals(1, two.attempts());
        assertEquals(2, sandbox.stats().tokensIssued());
        assertEquals(3, sandbox.stats().requests("chat"));
    }

    @Test
    void streamsTheSameAnswerWithUsage() {
        evolution(Behavior.DEFAULT);
        List<String> deltas = new ArrayList<>();
        try (ChatStream stream = client.chat().completions().stream(ask("stream me please"))) {
            for (ChatChunk c : stream) {
                deltas.add(c.delta());
            }
            assertEquals("Echo: stream me please", stream.text());
            assertNotNull(stream.usage());
        }
        assertTrue(deltas.size() > 1, deltas.toString());
    }

    @Test
    void badCredentialsAreAnAuthenticationExceptionWithoutTheSecret() {
        sandbox = Sandbox.start(Behavior.DEFAULT);
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).evolution(sandbox.keyId(), "wrong-secret-value")
                .tokenUrl(sandbox.tokenUrl()).model("default").build();
        var e = assertThrows(AuthenticationException.class, () -> client.chat().completions().create(ask("x")));
        assertTrue(e.getMessage().startsWith("POST /api/v1/auth/token failed: 401 Unauthorized"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-value"));
    }

    @Test
    void forcedFaultsMapToExceptionsAfterRetries() {
        evolution(Behavior.builder().retryAfter(Duration.ofSeconds(2)).build());
        var limited = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(ask("x"), fault("429")));
        assertTrue(limited.getMessage().startsWith("POST /v1/chat/completions failed: 429 Too Many Requests"),
                limited.getMessage());
        assertTrue(limited.getMessage().endsWith(", after 3 attempts"), limited.getMessage());
        assertEquals(Optional.of(Duration.ofSeconds(2)), limited.retryAfter());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeper.slept());

        assertInstanceOf(ServerException.class,
                assertThrows(ChorusException.class, () -> client.chat().completions().create(ask("x"), fault("503"))));
        assertInstanceOf(MalformedResponseException.class,
                assertThrows(ChorusException.class,
                        () -> client.chat().completions().create(ask("x"), fault("malformed"))));
        ChorusException dropped = assertThrows(ChorusException.class,
                () -> client.chat().completions().create(ask("x"), fault("drop")));
        assertTrue(dropped instanceof ChorusConnectionException || dropped instanceof MalformedResponseException,
                dropped.toString());
    }

    @Test
    void randomFaultsAreRetriedAway() {
        evolution(Behavior.builder().failRate(0.3).faults(Fault.RATE_LIMIT_429, Fault.SERVER_500).seed(7).build());
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(client.chat().completions().createAsync(ask("q" + i), RequestOptions.builder().maxRetries(8).build()));
        }
        int retried = 0;
        for (int i = 0; i < all.size(); i++) {
            ChatCompletion c = all.get(i).join();
            assertEquals("Echo: q" + i, c.content());
            retried += c.attempts() > 1 ? 1 : 0;
        }
        assertTrue(retried > 0, "no request met a fault");
    }

    @Test
    void manyConcurrentCallsAreNotThrottledToOkHttpsDefaultOfFivePerHost() throws Exception {
        evolution(Behavior.builder().latency(Duration.ofMillis(300)).build());
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(client.chat().completions().createAsync(ask("n" + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals("Echo: n199", all.get(199).join().content());
        assertTrue(sandbox.stats().maxInFlight() > 5, sandbox.stats().toString());
    }
}

package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusMappingTest {
    private final MockWebServer server = new MockWebServer();
    private ChatClient client;

    @BeforeEach
    void start() throws Exception {
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1").toString()).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @ParameterizedTest
    @CsvSource({
            "400, BadRequestException, false, 400 Bad Request",
            "401, AuthenticationException, false, 401 Unauthorized",
            "403, AuthenticationException, false, 403 Forbidden",
            "404, BadRequestException, false, 404 Not Found",
            "408, ChorusTimeoutException, true, 408 Request Timeout",
            "409, BadRequestException, true, 409 Conflict",
            "418, BadRequestException, false, 418",
            "422, BadRequestException, false, 422 Unprocessable Entity",
            "429, RateLimitException, true, 429 Too Many Requests",
            "500, ServerException, true, 500 Internal Server Error",
            "502, ServerException, true, 502 Bad Gateway",
            "503, ServerException, true, 503 Service Unavailable",
            "504, ServerException, true, 504 Gateway Timeout",
    })
    void mapsStatusToException(int status, String type, boolean retryable, String statusText) {
        server.enqueue(Bodies.status(status, "why " + status));
        ChorusException e = org.junit.jupiter.api.Assertions.assertThrows(ChorusException.class,
                () -> client.chat().completions().create(ChatRequest.builder().model("m").user("Hi").build()));
        assertEquals(type, e.getClass().getSimpleName());
        assertEquals(status, e.status());
        assertEquals(retryable, e.isRetryable());
        assertEquals("why " + status, e.serverMessage());
        assertEquals("POST /v1/chat/completions failed: " + statusText + ": why " + status + " (request id r-"
                + status + ")", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"detail\":\"model not found\"}|model not found",
            "{\"message\":\"plain message\"}|plain message",
            "{\"error\":\"just a string\"}|just a string",
            "Service down for maintenance|Service down for maintenance",
    })
    void readsTheServerMessageFromCommonErrorShapes(String body, String expected) {
        server.enqueue(new MockResponse.Builder().code(404).body(body).build());
        var e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(ChatRequest.builder().model("m").user("Hi").build()));
        assertEquals(expected, e.serverMessage());
        assertEquals("POST /v1/chat/completions failed: 404 Not Found: " + expected, e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void emptyErrorBodyHasNoServerMessage() {
        server.enqueue(new MockResponse.Builder().code(500).build());
        var e = org.junit.jupiter.api.Assertions.assertThrows(ServerException.class,
                () -> client.chat().completions().create(ChatRequest.builder().model("m").user("Hi").build()));
        assertEquals("POST /v1/chat/completions failed: 500 Internal Server Error", e.getMessage());
        assertInstanceOf(ChorusException.class, e);
    }
}

package dev.chorus.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import mockwebserver3.MockResponse;

/** Response bodies and loopback addresses shared by the client tests. */
final class Bodies {
    private Bodies() {
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static String completion(String content) {
        return """
                {"id":"cmpl-1","object":"chat.completion","created":1,"model":"m1","system_fingerprint":"x",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
                """.formatted(content);
    }

    static MockResponse ok(String content) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .setHeader("x-request-id", "r-ok").body(completion(content)).build();
    }

    static MockResponse status(int code, String message) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .setHeader("x-request-id", "r-" + code)
                .body("{\"error\":{\"message\":\"" + message + "\",\"type\":\"x\"}}").build();
    }

    static String token(String value, long expiresIn) {
        return "{\"access_token\":\"" + value + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}";
    }
}

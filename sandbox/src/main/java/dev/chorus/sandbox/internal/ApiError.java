package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answered to the client as OpenAI error JSON:
 * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}. Thrown inside the handler only.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final String code;
    final String param;

    ApiError(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", null, message);
    }

    static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + " (use " + allowed + ")");
    }

    /** The body of an injected 500. */
    static byte[] serverError() {
        return body("The server had an error while processing your request (sandbox fault injection).",
                "server_error", "internal_error", null);
    }

    /** The body of an injected 503. */
    static byte[] unavailable() {
        return body("The server is overloaded or not ready yet (sandbox fault injection).",
                "server_error", "service_unavailable", null);
    }

    byte[] body() {
        return body(getMessage(), type, code, param);
    }

    static byte[] body(String message, String type, String code, String param) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return Json.bytes(root);
    }
}

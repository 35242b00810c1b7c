package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The httpbin-, jsonplaceholder- and fish-text-style routes the seed documents call; stateless
 * apart from the phrase counter, runs on the event loop.
 */
final class Httpbin {

    static final double MAX_DELAY_SECONDS = 30;
    static final int POSTS = 100;
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");

    static final List<String> PHRASES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Concurrency is about dealing with lots of things at once.",
            "Parallelism is about doing lots of things at once.",
            "A watched pot never boils, but an awaited future always completes.",
            "Every request deserves an answer, even if it is an error.",
            "Small steps, measured often, beat big leaps in the dark.",
            "The event loop never sleeps; it only schedules.",
            "Fan out wide, gather in order.");

    private Httpbin() {
    }

    static void answer(Exchange ex) {
        String path = ex.path();
        switch (ex.route) {
            case GET -> {
                only(ex, "GET");
                ex.sendJson(200, Json.bytes(echo(ex, false)));
            }
            case POST -> {
                only(ex, "POST");
                ex.sendJson(200, Json.bytes(echo(ex, true)));
            }
            case DELAY -> delay(ex, path.substring("/delay/".length()));
            case STATUS -> status(ex, path.substring("/status/".length()));
            case HTML -> {
                only(ex, "GET");
                String n = path.equals("/html") ? "1" : path.substring("/html/".length());
                html(ex, positive(n, "page", 1_000_000));
            }
            case POSTS -> {
                only(ex, "GET");
                post(ex, path.substring("/posts/".length()));
            }
            case USERS -> {
                only(ex, "GET");
                user(ex, path.substring("/users/".length()));
            }
            case PHRASE -> {
                only(ex, "GET");
                int i = (int) (ex.server.nextPhrase() % PHRASES.size());
                ex.sendJson(200, Json.bytes(Json.MAPPER.createObjectNode()
                        .put("status", "success").put("text", PHRASES.get(i)).put("errorCode", 0)));
            }
            default -> throw ApiError.notFound("No route for " + ex.method + " " + path
                    + " (routes: /v1/chat/completions, /v1/models, /api/v1/auth/token, /get, /post, "
                    + "/delay/{s}, /status/{code}, /html/{n}, /posts/{id}, /users/{id}, /phrase)");
        }
    }

    private static void only(Exchange ex, String method) {
        if (!ex.method.equals(method)) {
            throw ApiError.methodNotAllowed(ex.method, ex.path(), method);
        }
    }

    private static int positive(String text, String what, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.invalid(null, "Invalid " + what + " '" + text + "' (expected an integer in 1.." + max + ")");
    }

    /** The httpbin echo: args, headers, origin, url, and with {@code withBody} data, files, form, json. */
    static ObjectNode echo(Exchange ex, boolean withBody) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode args = root.putObject("args");
        putParams(args, ex.query.parameters());
        if (withBody) {
            String data = new String(ex.body, StandardCharsets.UTF_8);
            String type = ex.headers.get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
            ObjectNode form = Json.MAPPER.createObjectNode();
            JsonNode json = null;
            if (type.startsWith("application/x-www-form-urlencoded")) {
                putParams(form, new QueryStringDecoder(data, false).parameters());
                data = "";
            } else {
                json = Json.parseOrNull(ex.body);
            }
            root.put("data", data);
            root.putObject("files");
            root.set("form", form);
            root.set("json", json);
        }
        ObjectNode headers = root.putObject("headers");
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : ex.headers) {
            if (ex.body.length == 0 && e.getKey().equalsIgnoreCase("content-length")) {
                continue; // added by the aggregator, not sent by the client
            }
            sorted.merge(titleCase(e.getKey()), e.getValue(), (a, b) -> a + "," + b);
        }
        sorted.forEach(headers::put);
        root.put("method", ex.method);
        root.put("origin", "127.0.0.1");
        String host = ex.headers.get(HttpHeaderNames.HOST, "127.0.0.1:" + ex.server.port());
        root.put("url", "http://" + host + ex.uri);
        return root;
    }

    private static void putParams(ObjectNode target, Map<String, List<String>> params) {
        params.forEach((k, v) -> {
            if (v.size() == 1) {
                target.put(k, v.get(0));
            } else {
                v.forEach(target.withArray(k)::add);
            }
        });
    }

    static String titleCase(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean up = true;
        for (char c : name.toCharArray()) {
            sb.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
            up = c == '-';
        }
        return sb.toString();
    }

    private static void delay(Exchange ex, String text) {
        double seconds;
        try {
            seconds = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw ApiError.invalid(null, "Invalid delay '" + text + "' (expected seconds, e.g. 1 or 0.5, at most 30)");
        }
        long nanos = (long) (Math.min(seconds, MAX_DELAY_SECONDS) * 1e9);
        ex.ctx.executor().schedule(() -> ex.sendJson(200, Json.bytes(echo(ex, true))), nanos, TimeUnit.NANOSECONDS);
    }

    private static void status(Exchange ex, String text) {
        int code;
        try {
            code = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 200 || code > 599) {
            throw ApiError.invalid(null, "Invalid status code '" + text + "' (expected 200..599)");
        }
        ex.send(HttpResponseStatus.valueOf(code), null, new byte[0], null);
    }

    private static void html(Exchange ex, int n) {
        String title = "Sandbox page " + n;
        String page = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + title + "</title>\n</head>\n"
                + "<body>\n<h1>" + title + "</h1>\n<p>" + PHRASES.get((n - 1) % PHRASES.size()) + "</p>\n"
                + "<p><a href=\"/html/" + (n + 1) + "\">next page</a></p>\n</body>\n</html>\n";
        ex.send(HttpResponseStatus.OK, HTML, page.getBytes(StandardCharsets.UTF_8), null);
    }

    static final int USERS = 10;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Alan Turing", "Grace Hopper",
            "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "John McCarthy",
            "Frances Allen", "Ken Thompson");

    private static void user(Exchange ex, String text) {
        int id;
        try {
            id = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 1 || id > USERS) {
            ex.sendJson(404, "{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String name = NAMES.get(id - 1);
        String username = name.substring(0, name.indexOf(' ')).toLowerCase(Locale.ROOT);
        ex.sendJson(200, Json.bytes(Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("name", name)
                .put("username", username)
                .put("email", username + "@example.com")));
    }

    private static void post(Exchange ex, String text) {
        int id;
        try {
            id = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 1 || id > POSTS) {
            ex.sendJson(404, "{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode p = Json.MAPPER.createObjectNode()
                .put("userId", (id - 1) / 10 + 1)
                .put("id", id)
                .put("title", "sandbox post " + id)
                .put("body", PHRASES.get((id - 1) % PHRASES.size()));
        ex.sendJson(200, Json.bytes(p));
    }
}

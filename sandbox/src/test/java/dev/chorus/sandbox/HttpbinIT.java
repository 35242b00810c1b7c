package dev.chorus.sandbox;

import static dev.chorus.sandbox.ChatCompletionsIT.assertError;
import static dev.chorus.sandbox.Wire.json;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpbinIT {

    static Sandbox sandbox;
    static String root;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        root = sandbox.rootUrl();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void getEchoesArgsHeadersAndUrl() {
        HttpResponse<String> r = Wire.get(root + "/get?q=java&n=1&n=2", "X-Custom", "yes");
        assertEquals(200, r.statusCode());
        JsonNode j = json(r);
        assertEquals("java", j.at("/args/q").asText());
        assertEquals("1", j.at("/args/n/0").asText());
        assertEquals("2", j.at("/args/n/1").asText());
        assertEquals("yes", j.at("/headers/X-Custom").asText());
        assertEquals("127.0.0.1:" + sandbox.port(), j.at("/headers/Host").asText());
        assertTrue(j.at("/headers/Content-Length").isMissingNode());
        assertEquals("127.0.0.1", j.get("origin").asText());
        assertEquals(root + "/get?q=java&n=1&n=2", j.get("url").asText());
        assertError(post(root + "/get", "{}"), 405, "invalid_request_error", null,
                "Method POST is not allowed on /get (use GET)");
    }

    @Test
    void postEchoesJsonFormAndData() {
        JsonNode j = json(post(root + "/post", "{\"name\":\"chorus\",\"n\":3}"));
        assertEquals("chorus", j.at("/json/name").asText());
        assertEquals(3, j.at("/json/n").asInt());
        assertEquals("{\"name\":\"chorus\",\"n\":3}", j.get("data").asText());

        JsonNode form = json(Wire.send(Wire.request(root + "/post")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1&b=two+words")).build()));
        assertEquals("1", form.at("/form/a").asText());
        assertEquals("two words", form.at("/form/b").asText());
        assertEquals("", form.get("data").asText());
        assertTrue(form.get("json").isNull());

        JsonNode text = json(Wire.send(Wire.request(root + "/post").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("plain words")).build()));
        assertEquals("plain words", text.get("data").asText());
        assertTrue(text.get("json").isNull());
    }

    @Test
    void delayAnswersAfterFractionalSeconds() {
        HttpResponse<String> r = Wire.get(root + "/delay/0.05?x=1");
        assertEquals(200, r.statusCode());
        assertEquals("1", json(r).at("/args/x").asText());
        assertError(Wire.get(root + "/delay/abc"), 400, "invalid_request_error", null,
                "Invalid delay 'abc' (expected seconds, e.g. 1 or 0.5, at most 30)");
    }

    @Test
    void statusAnswersTheCode() {
        for (int code : new int[] {200, 201, 404, 418, 500, 503}) {
            HttpResponse<String> r = Wire.get(root + "/status/" + code);
            assertEquals(code, r.statusCode());
            assertEquals("", r.body());
        }
        assertEquals(500, post(root + "/status/500", "{}").statusCode());
        assertError(Wire.get(root + "/status/99"), 400, "invalid_request_error", null,
                "Invalid status code '99' (expected 200..599)");
    }

    @Test
    void htmlPagesHaveDistinctTitles() {
        Set<String> titles = new HashSet<>();
        for (int n = 1; n <= 5; n++) {
            HttpResponse<String> r = Wire.get(root + "/html/" + n);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
            String body = r.body();
            String title = body.substring(body.indexOf("<title>") + 7, body.indexOf("</title>"));
            assertEquals("Sandbox page " + n, title);
            titles.add(title);
        }
        assertEquals(5, titles.size());
        assertTrue(Wire.get(root + "/html").body().contains("<title>Sandbox page 1</title>"));
        assertError(Wire.get(root + "/html/zero"), 400, "invalid_request_error", null,
                "Invalid page 'zero' (expected an integer in 1..1000000)");
    }

    @Test
    void postsLikeJsonPlaceholder() {
        JsonNode p = json(Wire.get(root + "/posts/3"));
        assertEquals(1, p.get("userId").asInt());
        assertEquals(3, p.get("id").asInt());
        assertEquals("sandbox post 3", p.get("title").asText());
        assertTrue(p.get("body").asText().length() > 10);
        assertEquals(2, json(Wire.get(root + "/posts/11")).get("userId").asInt());
        HttpResponse<String> missing = Wire.get(root + "/posts/101");
        assertEquals(404, missing.statusCode());
        assertEquals("{}", missing.body());
    }

    @Test
    void usersLikeJsonPlaceholder() {
        JsonNode u = json(Wire.get(root + "/users/2"));
        assertEquals(2, u.get("id").asInt());
        assertEquals("Alan Turing", u.get("name").asText());
        assertEquals("alan", u.get("username").asText());
        assertEquals("alan@example.com", u.get("email").asText());
        HttpResponse<String> missing = Wire.get(root + "/users/11");
        assertEquals(404, missing.statusCode());
        assertEquals("{}", missing.body());
    }

    @Test
    void phraseLikeFishText() {
        JsonNode a = json(Wire.get(root + "/phrase"));
        JsonNode b = json(Wire.get(root + "/phrase"));
        assertEquals("success", a.get("status").asText());
        assertTrue(a.get("text").asText().endsWith("."));
        assertTrue(!a.get("text").asText().equals(b.get("text").asText()), "consecutive phrases differ");
    }

    @Test
    void unknownRoutesAre404Json() {
        String routes = " (routes: /v1/chat/completions, /v1/models, /api/v1/auth/token, /get, /post, "
                + "/delay/{s}, /status/{code}, /html/{n}, /posts/{id}, /users/{id}, /phrase)";
        assertError(Wire.get(root + "/nothing"), 404, "invalid_request_error", null, "No route for GET /nothing" + routes);
        assertError(Wire.get(sandbox.baseUrl() + "/embeddings", Wire.STATIC_KEY), 404, "invalid_request_error", null,
                "No route for GET /v1/embeddings" + routes);
        assertTrue(sandbox.stats().requests("unknown") >= 2);
    }
}

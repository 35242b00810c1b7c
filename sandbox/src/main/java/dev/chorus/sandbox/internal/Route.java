package dev.chorus.sandbox.internal;

/** The sandbox's routes, each with the name it is counted under in {@link dev.chorus.sandbox.Stats}. */
enum Route {
    CHAT("chat", true, true),
    MODELS("models", true, true),
    FILES("files", false, true),
    BATCHES("batches", false, true),
    TOKEN("token", false, false),
    GET("get", false, false),
    POST("post", false, false),
    DELAY("delay", false, false),
    STATUS("status", false, false),
    HTML("html", false, false),
    POSTS("posts", false, false),
    USERS("users", false, false),
    PHRASE("phrase", false, false),
    UNKNOWN("unknown", false, false);

    private final String statName;
    private final boolean openAi;
    private final boolean auth;

    Route(String statName, boolean openAi, boolean auth) {
        this.statName = statName;
        this.openAi = openAi;
        this.auth = auth;
    }

    String statName() {
        return statName;
    }

    /** Whether the behaviour's latency and random faults apply to this route (they do not to files and batches). */
    boolean openAi() {
        return openAi;
    }

    /** Whether this route demands a valid bearer token when the behaviour requires auth. */
    boolean auth() {
        return auth;
    }

    /** The route of a path (without query string). */
    static Route of(String path) {
        if (path.startsWith("/v1/")) {
            return switch (path) {
                case "/v1/chat/completions" -> CHAT;
                case "/v1/models" -> MODELS;
                default -> path.equals("/v1/files") || path.startsWith("/v1/files/") ? FILES
                        : path.equals("/v1/batches") || path.startsWith("/v1/batches/") ? BATCHES : UNKNOWN;
            };
        }
        if (path.equals("/api/v1/auth/token")) {
            return TOKEN;
        }
        if (path.equals("/get")) {
            return GET;
        }
        if (path.equals("/post")) {
            return POST;
        }
        if (path.startsWith("/delay/")) {
            return DELAY;
        }
        if (path.startsWith("/status/")) {
            return STATUS;
        }
        if (path.equals("/html") || path.startsWith("/html/")) {
            return HTML;
        }
        if (path.startsWith("/posts/")) {
            return POSTS;
        }
        if (path.startsWith("/users/")) {
            return USERS;
        }
        if (path.equals("/phrase")) {
            return PHRASE;
        }
        return UNKNOWN;
    }
}

package dev.chorus.sandbox.internal;

/** The sandbox's routes, each with the name it is counted under in {@link dev.chorus.sandbox.Stats}. */
enum Route {
    CHAT("chat", true),
    MODELS("models", true),
    TOKEN("token", false),
    GET("get", false),
    POST("post", false),
    DELAY("delay", false),
    STATUS("status", false),
    HTML("html", false),
    POSTS("posts", false),
    USERS("users", false),
    PHRASE("phrase", false),
    UNKNOWN("unknown", false);

    private final String statName;
    private final boolean openAi;

    Route(String statName, boolean openAi) {
        this.statName = statName;
        this.openAi = openAi;
    }

    String statName() {
        return statName;
    }

    /** Whether the behaviour's latency, random faults and auth apply to this route. */
    boolean openAi() {
        return openAi;
    }

    /** The route of a path (without query string). */
    static Route of(String path) {
        if (path.startsWith("/v1/")) {
            return switch (path) {
                case "/v1/chat/completions" -> CHAT;
                case "/v1/models" -> MODELS;
                default -> UNKNOWN;
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

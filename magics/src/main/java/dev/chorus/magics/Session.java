package dev.chorus.magics;

import dev.chorus.client.ChatClient;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The state the Chorus magics share in one kernel: the chat client and its fan-out defaults, the
 * embedded sandbox, the background fan-out, and the environment that {@code $NAME} and
 * {@code %client} read.
 *
 * <p>Thread-safe (every method synchronizes). One per JVM ({@link #SHARED}): a kernel runs one
 * notebook. The session owns the client and the sandbox: {@link #close()} (extension uninstall)
 * closes both.
 */
final class Session implements AutoCloseable {
    static final Session SHARED = new Session();

    /** Fan-out and request defaults set by {@code %client}; null fields mean "the built-in default". */
    record Defaults(String model, Integer concurrency, Double rps, Integer retries, Duration timeout) {
        static final Defaults NONE = new Defaults(null, null, null, null, null);

        int concurrencyOr16() {
            return concurrency == null ? 16 : concurrency;
        }
    }

    private Map<String, String> env = System.getenv();
    private ChatClient client;
    private Defaults defaults = Defaults.NONE;
    private String origin;
    private Sandbox sandbox;
    private BackgroundFanOut background;
    /** The state file of the last {@code --batch} run: what {@code %fanout cancel} cancels. */
    private java.nio.file.Path batchState;
    private ResponseCache cache;
    private boolean warming;
    private double[] confirmAbove;

    synchronized Map<String, String> env() {
        return env;
    }

    synchronized void env(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    synchronized String getenv(String name) {
        return env.get(name);
    }

    synchronized ChatClient client() {
        return client;
    }

    synchronized Defaults defaults() {
        return defaults;
    }

    synchronized String origin() {
        return origin;
    }

    /** Installs {@code next} and returns the previous client (the caller closes it once nothing uses it). */
    synchronized ChatClient client(ChatClient next, Defaults defaults, String origin) {
        ChatClient previous = this.client;
        this.client = next;
        this.defaults = defaults;
        this.origin = origin;
        return previous == next ? null : previous;
    }

    synchronized Sandbox sandbox() {
        return sandbox;
    }

    synchronized void sandbox(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    synchronized java.nio.file.Path batchState() {
        return batchState;
    }

    synchronized void batchState(java.nio.file.Path state) {
        this.batchState = state;
    }

    synchronized BackgroundFanOut background() {
        return background;
    }

    synchronized void background(BackgroundFanOut background) {
        this.background = background;
    }

    /**
     * The response cache, opened on first use in {@code $XDG_CACHE_HOME/chorus} (the session's
     * environment, else the process's; else {@code ~/.cache/chorus}), bounded by
     * {@code CHORUS_CACHE_MAX_MB} (default 512); reopened when that folder changes.
     *
     * @throws IllegalArgumentException when {@code CHORUS_CACHE_MAX_MB} is not a positive number
     * @throws IllegalStateException    with a one-line reason when the file cannot be opened
     */
    synchronized ResponseCache cache() {
        java.nio.file.Path dir = ResponseCache.defaultDir(name -> {
            String v = env.get(name);
            return v != null ? v : System.getenv(name);
        });
        if (cache != null && cache.file().getParent().equals(dir)) {
            return cache;
        }
        if (cache != null) {
            cache.close();
        }
        long max = ResponseCache.DEFAULT_MAX_BYTES;
        String mb = getenv("CHORUS_CACHE_MAX_MB");
        if (mb != null && !mb.isBlank()) {
            try {
                max = Long.parseLong(mb.strip()) << 20;
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max <= 0) {
                throw new IllegalArgumentException("CHORUS_CACHE_MAX_MB must be a positive number of megabytes, got '"
                        + mb + "'");
            }
        }
        cache = ResponseCache.open(dir, max);
        return cache;
    }

    /** The pre-flight thresholds set by {@code %fanout guard} ({requests, cost}), or null for CHORUS_CONFIRM_ABOVE's. */
    synchronized double[] confirmAbove() {
        return confirmAbove == null ? null : confirmAbove.clone();
    }

    synchronized void confirmAbove(double[] thresholds) {
        this.confirmAbove = thresholds == null ? null : thresholds.clone();
    }

    /** How long no cell must have run before the warm-up prepares a fan-out's table and tokenizer. */
    static final long QUIET_MILLIS = 1000;

    /**
     * On a daemon thread ({@code chorus-session-warm-up}), once per session: opens the response cache
     * and computes one key, and draws a small chart, so that SQLite's start (its native library, the
     * file), the key's first use and Java2D's start (fonts, the PNG writer) are paid before the first
     * fan-out needs them. Then, once no cell has run for {@value #QUIET_MILLIS} ms, it starts Tablesaw
     * with a result table's column types and loads the pre-flight's tokenizer for {@code model}: about
     * 0.5 s of a cold JVM that the first {@code %%fanout} no longer pays when the user paused after
     * {@code %client}; then it runs the fan-out path itself a few times ({@link FanOutWarmUp}). That part
     * waits for quiet moments so that it never slows a cell; under Run All the fan-out starts Tablesaw
     * and the tokenizer itself, both at once (see {@link FanOutMagic}). A failure is left for the
     * fan-out that needs the part to report. In a kernel that does not say when it is idle
     * ({@link dev.chorus.magics.spi.KernelActivity}), or outside a notebook, only the first part runs.
     *
     * @param model the client's default model (which tokenizer to load), or null
     */
    void warmUp(String model) {
        synchronized (this) {
            if (warming) {
                return;
            }
            warming = true;
        }
        // Without a kernel that says when it is idle (plain Java, another jjava kernel) there is no quiet
        // moment to wait for: only the first part runs, and a fan-out starts the rest itself.
        Notebook notebook = KernelNotebook.current();
        LongSupplier idle = notebook == null || notebook.idleMillis() < 0 ? null : notebook::idleMillis;
        // A platform thread: Java2D and SQLite start in native code, which would hold a carrier.
        Thread.ofPlatform().daemon().name("chorus-session-warm-up").start(() -> {
            try {
                cache();
                ResponseCache.key("", dev.chorus.client.ChatRequest.builder().model("m").user("warm").build());
            } catch (RuntimeException later) {
                // the fan-out that needs the cache says why it cannot be used
            }
            Drawing.warmUp();
            if (idle == null) {
                return;
            }
            try {
                awaitQuiet(idle, QUIET_MILLIS);
                TablesawStartup.ensure();
                awaitQuiet(idle, QUIET_MILLIS);
                Preflight.encoding(model);
                FanOutWarmUp.run(idle);
            } catch (InterruptedException | RuntimeException | LinkageError later) {
                // the fan-out that needs them starts them itself and says what is wrong
            }
        });
    }

    /** Returns once {@code idleMillis} says that no cell has run for {@code quietMillis}; polls every 50 ms. */
    static void awaitQuiet(LongSupplier idleMillis, long quietMillis) throws InterruptedException {
        while (idleMillis.getAsLong() < quietMillis) {
            Thread.sleep(50);
        }
    }

    /** Closes the client, the background fan-out, the sandbox and the response cache. */
    @Override
    public synchronized void close() {
        if (background != null) {
            background.cancel();
            background = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
        if (cache != null) {
            cache.close();
            cache = null;
        }
        defaults = Defaults.NONE;
        origin = null;
    }
}

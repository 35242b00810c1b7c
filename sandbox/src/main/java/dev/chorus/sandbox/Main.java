package dev.chorus.sandbox;

import dev.chorus.sandbox.DurationText;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The command line of the sandbox ({@code chorus sandbox}): starts a {@link Sandbox}, prints its
 * base URL and credentials, and serves until the process is interrupted (Ctrl-C).
 *
 * <p>A bad argument prints one line, {@code chorus sandbox: <problem>}, to standard error and
 * exits with status 2; {@code --help} prints {@link #USAGE} and exits with 0.
 */
public final class Main {

    /** The usage text printed by {@code --help}. */
    public static final String USAGE = """
            Usage: chorus sandbox [options]
              --port N              TCP port on 127.0.0.1 (default 0: any free port)
              --latency D           delay before each /v1 answer, e.g. 100ms, 1.5s (default 0)
              --jitter D            random spread around the latency (default 0)
              --chunk-delay D       pause between streamed chunks (default 0)
              --fail-rate X         probability in [0, 1] of an injected fault (default 0)
              --faults LIST         kinds drawn from: 429,500,503,hang,malformed,drop,invalid-json
                                    (default 429,500,503)
              --retry-after D       Retry-After of a 429 (default 1s)
              --seed N              seed of the fault and jitter draws (default 1)
              --token-lifetime D    lifetime of IAM access tokens (default 1h)
              --key-id S            IAM key id accepted by the token endpoint (default sandbox-key-id)
              --secret S            IAM secret accepted by the token endpoint (default sandbox-secret)
              --hang-limit D        how long a hang holds a request (default 120s)
              --no-auth             serve /v1 without a bearer token
              --no-json-schema      refuse response_format json_schema with a 400, as some servers do
              --batch-rate N        lines per second /v1/batches works through, over all batches (default 1000)
              --help                print this text
            """;

    private static final List<String> OPTIONS = List.of("--port", "--latency", "--jitter", "--chunk-delay",
            "--fail-rate", "--faults", "--retry-after", "--seed", "--token-lifetime", "--key-id", "--secret",
            "--hang-limit", "--no-auth", "--no-json-schema", "--batch-rate", "--help");

    private Main() {
    }

    /** Starts the sandbox from command-line arguments and serves until interrupted. */
    public static void main(String[] args) throws InterruptedException {
        Behavior behavior;
        try {
            if (List.of(args).contains("--help")) {
                System.out.print(USAGE);
                return;
            }
            behavior = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chorus sandbox: " + e.getMessage());
            System.exit(2);
            return;
        }
        Sandbox sandbox = Sandbox.start(behavior);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "chorus-sandbox-shutdown"));
        banner(sandbox, System.out);
        stopped.await();
    }

    static void banner(Sandbox sandbox, PrintStream out) {
        out.println("Chorus sandbox listening on " + sandbox.baseUrl());
        out.println("  token URL:   " + sandbox.tokenUrl());
        out.println("  key id:      " + sandbox.keyId());
        out.println("  secret:      " + sandbox.secret());
        out.println("  static keys: any bearer token starting with sk-"
                + (sandbox.behavior().requireAuth() ? "" : " (auth disabled: --no-auth)"));
        out.println("  behaviour:   " + sandbox.behavior());
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * Parses command-line options (see {@link #USAGE}, without {@code --help}) into a behaviour;
     * also usable by other front ends, such as a magic, that accept the same options.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad argument, e.g.
     *         {@code unknown option --prot (did you mean --port?)}
     */
    public static Behavior parse(String... args) {
        Behavior.Builder b = Behavior.builder();
        String keyId = Behavior.DEFAULT_KEY_ID;
        String secret = Behavior.DEFAULT_SECRET;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (!OPTIONS.contains(arg)) {
                throw new IllegalArgumentException(arg.startsWith("-")
                        ? "unknown option " + arg + suggestion(arg)
                        : "unexpected argument '" + arg + "' (options start with --; see --help)");
            }
            if (arg.equals("--no-auth")) {
                b.requireAuth(false);
                continue;
            }
            if (arg.equals("--no-json-schema")) {
                b.jsonSchema(false);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                value = args[++i];
            }
            switch (arg) {
                case "--port" -> b.port(integer(arg, value, 0, 65535));
                case "--latency" -> b.latency(duration(arg, value));
                case "--jitter" -> b.jitter(duration(arg, value));
                case "--chunk-delay" -> b.chunkDelay(duration(arg, value));
                case "--fail-rate" -> b.failRate(rate(arg, value));
                case "--faults" -> b.faults(faults(arg, value));
                case "--retry-after" -> b.retryAfter(duration(arg, value));
                case "--seed" -> b.seed(longValue(arg, value));
                case "--token-lifetime" -> b.tokenLifetime(duration(arg, value));
                case "--key-id" -> keyId = nonEmpty(arg, value);
                case "--secret" -> secret = nonEmpty(arg, value);
                case "--hang-limit" -> b.hangLimit(duration(arg, value));
                case "--batch-rate" -> b.batchRate(positive(arg, value));
                default -> throw new IllegalStateException(arg);
            }
        }
        return b.credentials(keyId, secret).build();
    }

    private static String suggestion(String arg) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String o : OPTIONS) {
            int d = Levenshtein.distance(arg, o);
            if (d < bestDistance) {
                bestDistance = d;
                best = o;
            }
        }
        return bestDistance <= 3 ? " (did you mean " + best + "?)" : " (see --help)";
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' is not an integer in " + min + ".." + max);
    }

    private static long longValue(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not an integer");
        }
    }

    private static double rate(String name, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' is not a number in [0, 1]");
    }

    private static double positive(String name, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d > 0 && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' is not a positive number");
    }

    private static Duration duration(String name, String value) {
        try {
            return DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static List<Fault> faults(String name, String value) {
        List<Fault> out = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(Fault.parse(part));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + ": name at least one of 429, 500, 503, hang, malformed, drop");
        }
        return out;
    }

    private static String nonEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }
}

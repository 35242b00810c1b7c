package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.flag;
import static dev.chorus.magics.OptionSchema.value;

import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

/**
 * {@code %sandbox start|stop|status}: runs the embedded OpenAI-compatible sandbox on 127.0.0.1
 * with injected latency, jitter and failures, so notebooks run with no account.
 *
 * <p>The session owns the sandbox ({@code stop} or kernel shutdown closes it). Starting it again
 * while it runs changes its behaviour in place. Failures are {@link MagicException}s.
 */
final class SandboxMagic extends ChorusMagic implements LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %sandbox start [--port P] [--latency D] [--jitter D] [--fail-rate P] [--faults LIST] [--seed N]
                           [--no-json-schema] [--batch-rate N] | stop | status
              Runs the embedded OpenAI-compatible server on 127.0.0.1 (answers "Echo: " + the prompt, or JSON
              that fits a requested schema). --fail-rate is a probability 0..1 of a fault drawn from --faults
              (default 429,500,503; also hang, malformed, drop, invalid-json); --no-json-schema refuses
              json_schema requests with a 400; --batch-rate is how many lines a second its Batch API
              (/v1/files, /v1/batches) works through (default 1000). Durations: 500ms, 2s. %client with no
              endpoint uses it.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%sandbox", USAGE, 1,
            value("port", "P"), value("latency", "D"), value("jitter", "D"), value("fail-rate", "P"),
            value("faults", "LIST"), value("seed", "N"), flag("no-json-schema"), value("batch-rate", "N"));

    SandboxMagic(Session session) {
        super(session, SCHEMA);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) {
        return run(args);
    }

    DisplayData run(List<String> args) {
        Options o = SCHEMA.parse(args, session::getenv);
        if (o.help()) {
            return Displays.text(usage());
        }
        String what = o.positional().isEmpty() ? "status" : o.positional().get(0);
        switch (what) {
            case "start" -> start(o, session);
            case "stop" -> {
                if (!o.noOptions()) {
                    throw o.fail("stop takes no options");
                }
                Sandbox sb;
                synchronized (session) {
                    sb = session.sandbox();
                    session.sandbox(null);
                }
                if (sb == null) {
                    return Displays.text("sandbox: not running");
                }
                sb.close();
                return Displays.text("sandbox: stopped (" + sb.baseUrl() + ")");
            }
            case "status" -> {
                if (!o.noOptions()) {
                    throw o.fail("status takes no options");
                }
            }
            default -> throw o.fail("unknown subcommand '" + what + "' (start, stop or status)");
        }
        return Displays.text(status(session));
    }

    /** Starts the sandbox, or changes the behaviour of the running one (also used by {@link Chorus#sandbox}). */
    static Sandbox start(Options o, Session session) {
        int port = o.has("port") ? o.nonNegativeInt("port", 0) : 0;
        if (port > 65535) {
            throw o.fail("--port expects 0..65535, got '" + port + "'");
        }
        Duration latency = o.duration("latency", Duration.ZERO);
        Duration jitter = o.duration("jitter", Duration.ZERO);
        double failRate = o.number("fail-rate", 0.0, 0, 1);
        long seed = o.longValue("seed", 1L);
        List<Fault> faults = faults(o);
        synchronized (session) {
            Sandbox running = session.sandbox();
            if (running != null && o.has("port") && port != running.port()) {
                throw o.fail("the sandbox already runs on port " + running.port() + "; %sandbox stop first");
            }
            Behavior.Builder b = (running == null ? Behavior.DEFAULT : running.behavior()).toBuilder()
                    .latency(latency).jitter(jitter).failRate(failRate).seed(seed).faults(faults)
                    .jsonSchema(!o.flag("no-json-schema"))
                    .batchRate(o.positiveNumber("batch-rate", Behavior.DEFAULT.batchRate()));
            if (running != null) {
                running.behavior(b.build());
                return running;
            }
            try {
                Sandbox sb = Sandbox.start(b.port(port).build());
                session.sandbox(sb);
                return sb;
            } catch (RuntimeException e) {
                throw o.fail("cannot start the sandbox: " + e.getMessage());
            }
        }
    }

    private static List<Fault> faults(Options o) {
        String text = o.string("faults", null);
        if (text == null) {
            return Behavior.DEFAULT.faults();
        }
        List<Fault> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Fault.parse(part));
            } catch (IllegalArgumentException e) {
                throw o.fail("--faults: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw o.fail("--faults: name at least one of " + Fault.NAMES);
        }
        return out;
    }

    static String status(Session session) {
        Sandbox sb = session.sandbox();
        if (sb == null) {
            return "sandbox: not running (%sandbox start)";
        }
        Behavior b = sb.behavior();
        return String.format(Locale.ROOT,
                "sandbox: running on %s · latency %d ms ± %d ms · fail rate %.2f%s · seed %d%s · %d requests served",
                sb.baseUrl(), b.latency().toMillis(), b.jitter().toMillis(), b.failRate(),
                b.failRate() > 0 ? " (" + String.join(",", b.faults().stream().map(Fault::shortName).toList()) + ")" : "",
                b.seed(), b.jsonSchema() ? "" : " · json_schema refused", sb.stats().totalRequests());
    }
}

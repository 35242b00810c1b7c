package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.flag;
import static dev.chorus.magics.OptionSchema.secret;
import static dev.chorus.magics.OptionSchema.value;

import dev.chorus.client.ChatClient;
import dev.chorus.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

/**
 * {@code %client}: creates (or replaces and closes) the session's chat client, binds it to the
 * notebook variable {@code client}, and shows its setup with secrets masked.
 *
 * <p>Runs on the cell thread. The session owns the client; replacing it closes the old one.
 * Failures are {@link MagicException}s.
 */
final class ClientMagic extends ChorusMagic implements LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %client [--base-url URL] [--key-id ID --secret S [--token-url URL] | --api-key KEY]
                           [--model M] [--concurrency N] [--rps R] [--retries N] [--timeout 30s] [--new]
              Creates the session's chat client and binds it to the variable `client`.
              No options: reads EVOLUTION_KEY_ID/EVOLUTION_SECRET/EVOLUTION_BASE_URL/EVOLUTION_TOKEN_URL
              or OPENAI_API_KEY/OPENAI_BASE_URL (and CHORUS_MODEL); with none set, starts the sandbox.
              When a client exists, `%client` alone shows its setup; --new builds a fresh one.
              --concurrency, --rps, --retries, --timeout are the defaults of %%fanout (--retries and
              --timeout also apply to %%prompt). A value $NAME reads the environment variable NAME.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%client", USAGE, 0,
            value("base-url", "URL"), value("key-id", "ID"), secret("secret", "S"), secret("api-key", "KEY"),
            value("token-url", "URL"), value("model", "M"), value("concurrency", "N"), value("rps", "R"),
            value("retries", "N"), value("timeout", "D"), flag("new"));

    /** The options whose value {@code ?} asks the user for it. */
    private static final List<String> ASKABLE = List.of("key-id", "secret", "api-key");

    ClientMagic(Session session) {
        super(session, SCHEMA);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) throws InterruptedException {
        return run(new KernelNotebook(kernel), args);
    }

    DisplayData run(Notebook notebook, List<String> args) throws InterruptedException {
        Options o = SCHEMA.parse(args, session::getenv);
        o = asked(o, notebook);
        if (o.help()) {
            return Displays.text(usage());
        }
        if (o.noOptions() && session.client() != null) {
            return Displays.text(describe(session));
        }
        configure(o, session);
        if (notebook != null) {
            notebook.bind("client", "dev.chorus.client.ChatClient", session.client());
        }
        return Displays.text(describe(session));
    }

    /**
     * The options with each {@code ?} value of --key-id, --secret or --api-key replaced by what the
     * user types when asked (a secret through a password box, never echoed, shown or kept).
     */
    private static Options asked(Options o, Notebook notebook) throws InterruptedException {
        Options out = o;
        for (String name : ASKABLE) {
            if (!"?".equals(o.string(name, null))) {
                continue;
            }
            boolean secret = !name.equals("key-id");
            String prompt = switch (name) {
                case "key-id" -> "Evolution key id: ";
                case "secret" -> "Evolution secret: ";
                default -> "API key: ";
            };
            String answer;
            try {
                answer = notebook.ask(prompt, secret);
            } catch (IllegalStateException e) {
                throw o.fail("--" + name + " ?: " + e.getMessage());
            }
            if (answer == null || answer.isBlank()) {
                throw o.fail("--" + name + " ?: nothing was entered");
            }
            out = out.with(name, answer.strip());
        }
        return out;
    }

    /** Builds and installs a client from parsed options (also used by {@link Chorus#client}). */
    static ChatClient configure(Options o, Session session) {
        for (String name : ASKABLE) {
            if ("?".equals(o.string(name, null))) {
                throw o.fail("--" + name + " ?: only the %client magic can ask; pass the value or $NAME");
            }
        }
        String keyId = o.string("key-id", null);
        String secret = o.string("secret", null);
        String apiKey = o.string("api-key", null);
        if ((keyId == null) != (secret == null)) {
            throw o.fail(keyId == null ? "--secret needs --key-id" : "--key-id needs --secret");
        }
        if (apiKey != null && keyId != null) {
            throw o.fail("use either --key-id/--secret or --api-key, not both");
        }
        BackgroundFanOut running = session.background();
        if (running != null && !running.done()) {
            throw o.fail("a background fan-out is running on the current client (%fanout cancel first)");
        }
        Integer concurrency = o.positiveInt("concurrency", null);
        Double rps = o.positiveNumber("rps", null);
        Integer retries = o.nonNegativeInt("retries", null);
        Duration timeout = o.duration("timeout", null);
        String baseUrl = o.string("base-url", null);
        String model = o.string("model", null);

        ChatClient.Builder b = ChatClient.builder();
        try {
            b.fromEnv(session.env());
        } catch (IllegalArgumentException e) {
            throw o.fail(e.getMessage());
        }
        boolean envEndpoint = configured(session, "EVOLUTION_KEY_ID", "OPENAI_API_KEY", "EVOLUTION_BASE_URL",
                "OPENAI_BASE_URL");
        boolean explicit = baseUrl != null || keyId != null || apiKey != null;
        String origin;
        if (!explicit && !envEndpoint) {
            Sandbox sb = ensureSandbox(session);
            b.baseUrl(sb.baseUrl()).tokenUrl(sb.tokenUrl()).evolution(sb.keyId(), sb.secret());
            if (model == null) {
                model = "sandbox-echo";
            }
            origin = "sandbox: no EVOLUTION_* or OPENAI_* variables set, so the embedded sandbox answers on "
                    + sb.baseUrl();
        } else {
            origin = explicit ? "%client options" : "environment variables";
        }
        if (baseUrl != null) {
            b.baseUrl(baseUrl);
        }
        if (o.has("token-url")) {
            b.tokenUrl(o.string("token-url", null));
        }
        if (keyId != null) {
            b.evolution(keyId, secret);
        }
        if (apiKey != null) {
            b.apiKey(apiKey);
        }
        if (model == null) {
            String envModel = session.getenv("CHORUS_MODEL");
            model = envModel == null || envModel.isBlank() ? null : envModel.strip();
        }
        b.model(model);
        if (retries != null) {
            b.maxRetries(retries);
        }
        if (timeout != null) {
            b.callTimeout(timeout);
        }
        ChatClient client;
        try {
            client = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw o.fail(e.getMessage());
        }
        ChatClient previous = session.client(client,
                new Session.Defaults(model, concurrency, rps, retries, timeout), origin);
        if (previous != null) {
            previous.close();
        }
        // A client comes before the first fan-out: what that fan-out needs starts now, off the cell thread
        // (the response cache and Java2D at once; Tablesaw, the tokenizer and the JIT's work on the path
        // while the notebook is idle: Session.warmUp).
        session.warmUp(model);
        return client;
    }

    private static boolean configured(Session session, String... names) {
        for (String n : names) {
            String v = session.getenv(n);
            if (v != null && !v.isBlank()) {
                return true;
            }
        }
        return false;
    }

    static Sandbox ensureSandbox(Session session) {
        synchronized (session) {
            Sandbox sb = session.sandbox();
            if (sb == null) {
                sb = Sandbox.start();
                session.sandbox(sb);
            }
            return sb;
        }
    }

    /** The session's client setup, secrets masked by {@link ChatClient#describe()}. */
    static String describe(Session session) {
        ChatClient c = session.client();
        if (c == null) {
            return "no client yet: run %client";
        }
        Session.Defaults d = session.defaults();
        return "client: " + c.describe() + "\n"
                + "from: " + session.origin() + "\n"
                + String.format(Locale.ROOT, "model: %s · fan-out defaults: concurrency %d, rps %s, retries %s, timeout %s",
                d.model() == null ? "<none: pass --model>" : d.model(), d.concurrencyOr16(),
                d.rps() == null ? "unlimited" : d.rps().toString(),
                d.retries() == null ? "2" : d.retries().toString(),
                d.timeout() == null ? "none" : d.timeout().toString().substring(2).toLowerCase(Locale.ROOT));
    }

    /** The session's client, creating one as {@code %client} with no options would; never null. */
    static ChatClient require(Session session, Notebook notebook) {
        synchronized (session) {
            ChatClient c = session.client();
            if (c != null) {
                return c;
            }
        }
        Options none = SCHEMA.parse(List.of(), session::getenv);
        ChatClient c = configure(none, session);
        if (notebook != null) {
            notebook.display(Displays.text(describe(session)));
            notebook.bind("client", "dev.chorus.client.ChatClient", c);
        }
        return c;
    }
}

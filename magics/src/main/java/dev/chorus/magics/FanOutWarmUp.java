package dev.chorus.magics;

import dev.chorus.client.ChatClient;
import dev.chorus.sandbox.Sandbox;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs the fan-out path while the notebook is idle, so that the JIT has compiled it before the
 * user's first {@code %%fanout}: a few fan-outs of {@value #PROMPTS} prompts through the same job as
 * the magic (engine, chat calls over OkHttp, JSON, result table), against a private embedded sandbox
 * on loopback, with a client and session of their own (nothing is shown, bound, cached or sent
 * anywhere else). Each round starts only once no cell has run for {@link Session#QUIET_MILLIS}, so a
 * cell waits at most for the round under way (a few tenths of a second in a cold JVM, less after).
 * A fresh kernel's first fan-out is otherwise about half as fast as its later ones (bench/README.md).
 *
 * <p>Threading: runs on the session's warm-up thread; the sandbox and the client are closed when it
 * returns. Failures are swallowed: only speed is at stake.
 */
final class FanOutWarmUp {
    static final int ROUNDS = 8;
    static final int PROMPTS = 250;

    private FanOutWarmUp() {
    }

    /**
     * The rounds, each after a quiet moment; returns early when interrupted, and does nothing more once a
     * fan-out other than its own has run in this JVM (the path is compiled by then).
     */
    static void run(LongSupplier idleMillis) throws InterruptedException {
        Session.awaitQuiet(idleMillis, Session.QUIET_MILLIS);
        if (FanOutMagic.EXECUTED.get() > 0) {
            return;
        }
        Session own = new Session();
        own.env(Map.of());
        try (Sandbox sandbox = Sandbox.start()) {
            ChatClient client = ChatClient.builder().baseUrl(sandbox.baseUrl()).apiKey("sk-chorus-warm-up")
                    .model("sandbox-echo").build();
            own.client(client, new Session.Defaults("sandbox-echo", null, null, null, null), "warm-up");
            Inputs inputs = Inputs.lines(IntStream.range(0, PROMPTS).mapToObj(i -> "warm-up " + i)
                    .collect(Collectors.joining("\n")));
            FanOutMagic magic = new FanOutMagic(own);
            for (int round = 0; round < ROUNDS; round++) {
                Session.awaitQuiet(idleMillis, Session.QUIET_MILLIS);
                if (FanOutMagic.EXECUTED.get() > round) {
                    return;
                }
                FanOutMagic.Call call = FanOutMagic.Call.parse(
                        OptionSchema.split("--no-cache --yes --concurrency 100"), own);
                magic.execute(call, inputs, null, null, "warm-up", false, null);
            }
        } finally {
            own.close();
        }
    }
}

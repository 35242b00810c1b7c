package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.value;

import java.time.Duration;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

/**
 * {@code %cache}: the response cache's file, size and this session's hit rate;
 * {@code %cache clear [--older D]} removes answers (all, or those not used for D).
 *
 * <p>Runs on the cell thread. Failures are {@link MagicException}s.
 */
final class CacheMagic extends ChorusMagic implements LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %cache [clear [--older D]]
              Shows the response cache (its file, answers, size and this session's hits); clear removes
              every answer, or with --older D those not used for D (e.g. 7d, 12h).
              %%fanout and %%prompt use it unless given --no-cache.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%cache", USAGE, 1, value("older", "D"));

    CacheMagic(Session session) {
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
        if (!what.equals("status") && !what.equals("clear")) {
            throw o.fail("unknown subcommand '" + what + "' (clear, or nothing to show the cache)");
        }
        if (what.equals("status") && o.has("older")) {
            throw o.fail("--older goes with clear");
        }
        ResponseCache cache;
        try {
            cache = session.cache();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw o.failed(e.getMessage());
        }
        if (what.equals("clear")) {
            Duration older = o.duration("older", null);
            int removed;
            try {
                removed = cache.clear(older);
            } catch (IllegalStateException e) {
                throw o.failed(e.getMessage());
            }
            return Displays.text("cache: removed " + removed + (removed == 1 ? " answer" : " answers")
                    + (older == null ? "" : " not used for " + o.string("older", "")) + "\n" + cache.stats().text());
        }
        String problem = cache.problem();
        return Displays.text(cache.stats().text() + (problem == null ? "" : "\n" + problem));
    }
}

package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.Progress;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

/**
 * The Chorus Jupyter extension: registers {@code %client}, {@code %%prompt}, {@code %%fanout} and
 * {@code %fanout}, {@code %table}, {@code %sandbox}, {@code %cache}, and the renderers for Tablesaw tables,
 * fan-out progress, summaries and timelines. Loaded by any jjava kernel through
 * {@code META-INF/services/org.dflib.jjava.jupyter.Extension}.
 *
 * <p>Threading: installed once on the kernel's start-up thread. Uninstalling closes the session's
 * client, background fan-out and sandbox.
 */
public final class ChorusExtension implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        Session session = Session.SHARED;
        Renderer renderer = kernel.getRenderer();
        TableRenderer.register(renderer);
        SummaryView.register(renderer);
        Timeline.register(renderer);
        renderer.createRegistration(Progress.class).preferring("text/html").supporting("text/plain")
                .register((p, ctx) -> ctx.getOutputContainer().assign(ProgressView.display("fan-out", p)));
        renderer.createRegistration(FanOutResult.class).preferring("text/html").supporting("text/plain")
                .register((r, ctx) -> ctx.getOutputContainer().assign(SummaryView.display(r.summary())));
        FanOutMagic fanout = new FanOutMagic(session);
        kernel.getMagicsRegistry()
                .registerLineMagic("client", new ClientMagic(session))
                .registerCellMagic("prompt", new PromptMagic(session))
                .registerCellMagic("fanout", fanout)
                .registerLineMagic("fanout", fanout)
                .registerLineMagic("table", new TableMagic(session))
                .registerLineMagic("sandbox", new SandboxMagic(session))
                .registerLineMagic("cache", new CacheMagic(session));
    }

    @Override
    public void uninstall(BaseKernel kernel) {
        Session.SHARED.close();
    }
}

package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;

import java.util.UUID;

/**
 * Functions that notebook cells call directly (statically imported in every cell):
 * {@code display}, {@code updateDisplay}, {@code clearOutput}, {@code input} and {@code password}.
 *
 * <p>Threading: callable from any thread, also after the cell that created a display has returned; see
 * {@link ChorusKernel} for how output is attributed to cells. Fails with {@link NullPointerException} when
 * no kernel runs in this JVM.
 */
public final class Notebook {

    private Notebook() {
    }

    /**
     * Shows a value below the cell (rendered like a cell's result; a {@link DisplayData} is shown as is)
     * and returns its display id.
     */
    public static String display(Object value) {
        return show(render(value));
    }

    /** Shows a value as the given MIME types (e.g. "text/html") and returns its display id. */
    public static String display(Object value, String... mimeTypes) {
        return show(kernel().getRenderer().renderAs(value, mimeTypes));
    }

    /** Replaces the output shown under a display id with a new value (a {@link DisplayData} as is). */
    public static void updateDisplay(String id, Object value) {
        kernel().getIO().display.updateDisplay(id, render(value));
    }

    /** Replaces the output shown under a display id with a new value rendered as the given MIME types. */
    public static void updateDisplay(String id, Object value, String... mimeTypes) {
        kernel().getIO().display.updateDisplay(id, kernel().getRenderer().renderAs(value, mimeTypes));
    }

    /** Clears the output of the current cell now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the output of the current cell; with {@code wait}, only when the next output arrives. */
    public static void clearOutput(boolean wait) {
        System.out.flush();
        System.err.flush();
        ChorusKernel k = kernel();
        k.publishNow(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
    }

    /**
     * Asks the notebook's user for a line (an input box under the running cell) and returns it;
     * {@code System.in} reads the same way. Fails at once where the front end cannot answer (nbclient,
     * stdin turned off) with an {@link IllegalStateException} saying so.
     */
    public static String input(String prompt) {
        return ask(prompt, false);
    }

    /** Like {@link #input}, but the front end does not echo what is typed: for keys and secrets. */
    public static String password(String prompt) {
        return ask(prompt, true);
    }

    private static String ask(String prompt, boolean password) {
        try {
            return kernel().readLine(prompt, password);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for input");
        }
    }

    private static DisplayData render(Object value) {
        if (value instanceof DisplayData d) {
            return d;
        }
        return value == null ? new DisplayData("null") : kernel().getRenderer().render(value);
    }

    private static String show(DisplayData data) {
        String id = data.getDisplayId();
        if (id == null) {
            id = UUID.randomUUID().toString();
            data.setDisplayId(id);
        }
        kernel().display(data);
        return id;
    }

    private static ChorusKernel kernel() {
        return (ChorusKernel) BaseKernel.notebookKernel();
    }
}

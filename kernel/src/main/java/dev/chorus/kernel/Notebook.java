package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;

import java.util.UUID;

/**
 * Functions that notebook cells call directly (statically imported in every cell):
 * {@code display}, {@code updateDisplay} and {@code clearOutput}.
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

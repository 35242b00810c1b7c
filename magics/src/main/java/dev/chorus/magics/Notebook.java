package dev.chorus.magics;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What a magic needs from the notebook it runs in: read and bind variables, show and update
 * displays, render values. {@link KernelNotebook} is the real one over a jjava kernel; tests use a
 * recording one.
 *
 * <p>Threading: {@link #display} and {@link #update} may be called from any thread at any time;
 * {@link #read} and {@link #bind} only from the thread running the magic.
 */
interface Notebook {

    /** The value of the notebook variable or expression {@code name}; throws {@link MagicException}-worthy {@link IllegalArgumentException} when it does not exist. */
    Object read(String name);

    /** Declares (or redeclares) the notebook variable {@code name} of Java type {@code type} holding {@code value}. */
    void bind(String name, String type, Object value);

    /** Shows {@code data} (which may carry a display id for later updates). */
    void display(DisplayData data);

    /** Replaces the display {@code id} with {@code data}. */
    void update(String id, DisplayData data);

    /** Renders {@code value} the way a cell result would be rendered. */
    DisplayData render(Object value);

    /**
     * Milliseconds since the notebook's last cell ended, 0 while one runs; -1 when the kernel does
     * not say.
     */
    default long idleMillis() {
        return -1;
    }

    /**
     * Asks the user for a line (with {@code secret}, not echoed).
     *
     * @throws IllegalStateException when nobody can answer, with the reason
     */
    default String ask(String prompt, boolean secret) throws InterruptedException {
        throw new IllegalStateException("this kernel cannot ask for input");
    }
}

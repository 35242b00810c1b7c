package dev.chorus.kernel;

import java.util.List;

/**
 * A cell that failed: a compile error, an exception thrown by notebook code, an interrupt, a call to
 * {@code System.exit}, or a magic that could not run.
 *
 * <p>It carries what Jupyter shows for the error ({@code ename}, {@code evalue}, {@code traceback}):
 * notebook frames only, never kernel internals. Thrown by {@link ChorusKernel#evalRaw(String)} so a magic
 * that runs notebook code (such as {@code %time}) fails the cell with the original error.
 */
public final class CellException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    public CellException(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue, null, false, false);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    /** The error's name, e.g. {@code CompileError}, {@code IllegalStateException}, {@code Interrupted}, {@code MagicError}. */
    public String ename() {
        return ename;
    }

    /** One line saying what went wrong. */
    public String evalue() {
        return evalue;
    }

    /** The lines Jupyter shows under the error. */
    public List<String> traceback() {
        return traceback;
    }
}

package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.List;

/**
 * The outcome of one executed cell.
 *
 * @param count     the execution count of the cell
 * @param result    the rendered value of the cell's final expression, or null when it had none or failed
 * @param error     the failure, or null when the cell succeeded
 */
public record Execution(int count, DisplayData result, CellException error) {

    public boolean ok() {
        return error == null;
    }

    /** The text/plain rendering of the result, or null. */
    public String text() {
        if (result == null) {
            return null;
        }
        Object t = result.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
        return t == null ? null : t.toString();
    }

    public List<String> traceback() {
        return error == null ? List.of() : error.traceback();
    }
}

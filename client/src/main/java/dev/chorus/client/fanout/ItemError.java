package dev.chorus.client.fanout;

/**
 * Why an item did not succeed: the exception, a one-line message and the class of its root cause.
 *
 * @param exception the failure as thrown (or a {@link java.util.concurrent.CancellationException} /
 *                  {@link java.util.concurrent.TimeoutException} made by the engine)
 * @param message   one line, fit for a table cell
 * @param causeClass simple name of the innermost cause, used to group failures in the summary
 */
public record ItemError(Throwable exception, String message, String causeClass) {

    /** Describes {@code t} in one line. */
    public static ItemError of(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline).strip();
        }
        return new ItemError(t, text, root.getClass().getSimpleName());
    }

    @Override
    public String toString() {
        return causeClass + ": " + message;
    }
}

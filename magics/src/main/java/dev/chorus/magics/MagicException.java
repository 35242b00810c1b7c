package dev.chorus.magics;

/**
 * A failure of a Chorus magic that the user caused or can fix: a bad argument, a missing
 * variable, an unreachable endpoint. Its message is the complete text to show (one line naming
 * the command and the problem, usually followed by the magic's usage), so a kernel should print
 * the message verbatim and no stack trace.
 *
 * <p>Immutable. The message never contains a secret: option values marked secret are masked in
 * the quoted command.
 */
public class MagicException extends RuntimeException {

    public MagicException(String message) {
        super(message, null, false, false);
    }

    public MagicException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The message without the usage text that may follow it: its first line. */
    public String headline() {
        String m = getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

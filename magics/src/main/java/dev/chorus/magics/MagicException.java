package dev.chorus.magics;

import dev.chorus.magics.spi.Described;

/**
 * A failure of a Chorus magic that the user caused or can fix: a bad argument, a missing
 * variable, an unreachable endpoint. Its message is one line naming the command and the problem
 * ({@code Failed to process '%%fanout --concurency 8': unknown option --concurency (did you mean
 * --concurrency?)}); {@link #usage()} is the magic's usage when the problem is an argument.
 *
 * <p>It is an {@link IllegalArgumentException} so that a kernel shows it as a magic error: the
 * message verbatim, the usage under it, and no stack trace (it records none). Immutable. The
 * message never contains a secret: option values marked secret are masked in the quoted command.
 */
public class MagicException extends IllegalArgumentException implements Described {
    private static final long serialVersionUID = 1L;

    private final String usage;

    /** A failure with no usage to show (the arguments were fine, the work failed). */
    public MagicException(String message) {
        this(message, null);
    }

    /** A failure of the arguments: {@code message} is one line, {@code usage} the magic's usage text (or null). */
    public MagicException(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The one-line message (same as {@link #getMessage()}). */
    public String headline() {
        return getMessage();
    }

    /** The usage of the magic whose arguments were wrong, or null (the kernel shows it under the message). */
    @Override
    public String usage() {
        return usage;
    }

    /** The message followed, when there is one, by {@code Usage: } and the usage text: what a plain front end prints. */
    public String fullText() {
        return usage == null ? getMessage() : getMessage() + "\nUsage: " + usage;
    }
}

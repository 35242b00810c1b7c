package dev.chorus.kernel;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The notebook's {@code System.in}: each line is asked of the notebook's user when code reads past
 * the last one ({@link ChorusKernel#readLine}: Jupyter's input_request, or the terminal of
 * {@code chorus run}), so {@code Scanner}, {@code BufferedReader} and {@code read()} work as in a
 * terminal. Where nobody can answer (nbclient, a front end with stdin off) reading fails at once
 * with an {@link IllegalStateException} saying so: a {@code Scanner} would turn an
 * {@code IOException} into "No line found".
 *
 * <p>Thread-safe (synchronized). What a read leaves of a line is kept for the next read of the same
 * cell and dropped when the next cell starts. An interrupt while waiting ends the read with an
 * {@link InterruptedIOException} and keeps the thread's interrupt flag.
 */
final class NotebookInput extends InputStream {
    private final ChorusKernel kernel;
    private byte[] line = new byte[0];
    private int pos;

    NotebookInput(ChorusKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public synchronized int read() throws InterruptedIOException {
        fill();
        return line[pos++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        fill();
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line.length - pos;
    }

    /** Drops what is left of the last line: a new cell asks afresh instead of reading an old answer's rest. */
    synchronized void discard() {
        line = new byte[0];
        pos = 0;
    }

    private void fill() throws InterruptedIOException {
        if (pos < line.length) {
            return;
        }
        String text;
        try {
            text = kernel.readLine("", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for input");
        }
        line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        pos = 0;
    }
}

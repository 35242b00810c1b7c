package dev.chorus.kernel;

import org.dflib.jjava.jupyter.kernel.JupyterIO;

import java.nio.charset.StandardCharsets;

/**
 * The kernel's {@link JupyterIO}: its {@code display}, {@code out} and {@code err} are always attached.
 *
 * <p>{@code display.display(data)} publishes display_data and {@code display.updateDisplay(id, data)}
 * publishes update_display_data from any thread, also after the cell that created the display has
 * returned; a message from a thread started by a cell is attributed to that cell, any other to the last
 * cell. {@code out}/{@code err} publish on flush (they autoflush on println).
 */
final class ChorusIO extends JupyterIO {

    ChorusIO(CellPublisher publisher) {
        super(StandardCharsets.UTF_8);
        setEnv(new LiveEnvironment(publisher));
        setJupyterInEnabled(false);
    }
}

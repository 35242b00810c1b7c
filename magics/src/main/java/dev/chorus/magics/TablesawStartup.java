package dev.chorus.magics;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Starts Tablesaw without scanning the kernel's whole class path.
 *
 * <p>Initialising {@code tech.tablesaw.api.Table} looks for its readers and writers by scanning the
 * class path with ClassGraph: 0.4 to 0.7 s of a cold JVM with the kernel's 80 jars, paid by the
 * first {@code %%fanout} of a notebook. They live in Tablesaw's own jars, so {@link #ensure()} runs
 * that scan with {@code java.class.path} holding only those (0.1 to 0.2 s less than half of it);
 * jars a notebook added with {@code %maven} are in the notebook's class loader, which the scan
 * still covers. It runs on the session's warm-up thread while no cell runs, or while the first
 * fan-out's cell runs, and restores the property before it returns: code that reads
 * {@code java.class.path} on another thread meanwhile sees Tablesaw's jars for the tenth of a second
 * the scan takes.
 *
 * <p>Thread-safe, once per JVM: a second caller waits for the first. When {@code Table} is already initialised
 * (notebook code used Tablesaw first) or the JVM was not started from jars, the scan is Tablesaw's own.
 * Only speed is at stake.
 */
final class TablesawStartup {
    private static boolean done;
    private static boolean starting;

    private TablesawStartup() {
    }

    /**
     * Starts {@link #ensure()} on a daemon thread ({@code chorus-tablesaw-start}) unless it ran or is
     * running, so that a caller can do other work meanwhile; its own later {@code ensure()} waits for it.
     */
    static synchronized void startInBackground() {
        if (done || starting) {
            return;
        }
        starting = true;
        Thread.ofPlatform().daemon().name("chorus-tablesaw-start").start(TablesawStartup::ensure);
    }

    /** Initialises Tablesaw's {@code Table}, scanning only Tablesaw's jars, and the column types of a result table; once. */
    static synchronized void ensure() {
        if (done) {
            return;
        }
        done = true;
        String full = System.getProperty("java.class.path");
        List<String> own = new ArrayList<>();
        if (full != null) {
            for (String entry : full.split(File.pathSeparator)) {
                if (new File(entry).getName().startsWith("tablesaw-")) {
                    own.add(entry);
                }
            }
        }
        if (!own.isEmpty()) {
            System.setProperty("java.class.path", String.join(File.pathSeparator, own));
            try {
                Class.forName("tech.tablesaw.api.Table", true, TablesawStartup.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // Tablesaw starts the usual way at its first use
            } finally {
                System.setProperty("java.class.path", full);
            }
        }
        try {
            // a result table's column types (about 0.1 s of a cold JVM: their parsers and formats)
            Table.create("warm-up", StringColumn.create("s", 1), LongColumn.create("l", 1), IntColumn.create("i", 1),
                    BooleanColumn.create("b", 1), DoubleColumn.create("d", 1));
        } catch (LinkageError | RuntimeException e) {
            // the first result table says what is wrong
        }
    }
}

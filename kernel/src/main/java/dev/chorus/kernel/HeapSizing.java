package dev.chorus.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Lets the heap grow while a cell runs and keeps it small while the notebook is idle, through the
 * JVM's manageable {@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio}.
 *
 * <p>Why: G1 resizes the heap by these ratios after its concurrent cycles and full collections. Held
 * at 10/30 all the time, a fan-out's heap was shrunk back after every cycle and collected more often
 * (a notebook's 20,000-prompt fan-out answered at once, at a kernel's eighth to tenth run: 0.95-1.17 s
 * of cell wall; with 20/50 while cells run, 0.85-1.00 s). The JVM's defaults (40/70) read the same
 * within the noise but peaked at 420-429 MiB after a 100,000-prompt fan-out against 361-377 MiB, and
 * idle they keep about three times the live data committed. So a cell runs with 20/50, and when it
 * ends the ratios go to 5/15, which the periodic full collection of an idle kernel applies
 * (kernel-jvm.options): 120 s after a 100,000-prompt fan-out the kernel held 194-199 MiB with 5/15
 * against 215 with 10/30 (bench/README.md, notebook section).
 *
 * <p>Threading: called from the cell thread around each cell; the first call looks the JVM's bean
 * up on a daemon thread, which applies the latest state once it has it. On a JVM without these
 * flags (not HotSpot) it does nothing.
 */
final class HeapSizing {
    private static volatile HotSpotDiagnosticMXBean vm;
    private static volatile boolean busy;
    private static boolean looking;

    private HeapSizing() {
    }

    /** A cell starts: the heap may keep up to half of itself free. */
    static void busy() {
        busy = true;
        apply();
    }

    /** No cell runs: what the next idle collection frees is given back. */
    static void idle() {
        busy = false;
        apply();
    }

    private static synchronized void apply() {
        HotSpotDiagnosticMXBean bean = vm;
        if (bean == null) {
            lookUp();
            return;
        }
        if (busy) {
            // Raise the maximum first: the minimum may never exceed it.
            set(bean, "MaxHeapFreeRatio", "50");
            set(bean, "MinHeapFreeRatio", "20");
        } else {
            set(bean, "MinHeapFreeRatio", "5");
            set(bean, "MaxHeapFreeRatio", "15");
        }
    }

    /**
     * Finds the JVM's diagnostic bean on a thread of its own, once: it loads the management classes
     * (about 40 ms of a cold JVM), which must not land on the first cell's reply.
     */
    private static synchronized void lookUp() {
        if (looking) {
            return;
        }
        looking = true;
        Thread.ofPlatform().daemon().name("chorus-heap-sizing").start(() -> {
            try {
                vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                apply();
            } catch (RuntimeException | LinkageError e) {
                // not HotSpot: the start-up values stay
            }
        });
    }

    private static void set(HotSpotDiagnosticMXBean bean, String flag, String value) {
        try {
            bean.setVMOption(flag, value);
        } catch (RuntimeException e) {
            // not settable on this JVM: the start-up values stay
        }
    }
}

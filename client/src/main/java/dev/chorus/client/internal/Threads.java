package dev.chorus.client.internal;

/** Small thread utilities shared by the client's owners of threads. */
public final class Threads {
    private Threads() {
    }

    /** Waits for {@code t} to end, through interrupts; the caller's interrupt flag is restored afterwards. */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

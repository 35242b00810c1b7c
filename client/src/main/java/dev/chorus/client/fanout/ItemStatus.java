package dev.chorus.client.fanout;

/** How one fan-out item ended. */
public enum ItemStatus {
    /** The task returned a value. */
    OK,
    /** The task failed on its last attempt (or with a failure that is not retried). */
    FAILED,
    /** The item never ran, or was stopped by {@link FanOutHandle#cancel()} or an interrupt. */
    CANCELLED,
    /** The last attempt outlived the per-item timeout, or the overall deadline stopped it. */
    TIMED_OUT,
    /**
     * The server answered every attempt, but the last answer was not what was asked for (an
     * {@link dev.chorus.client.InvalidAnswerException}: not JSON, or rejected by its schema).
     */
    INVALID
}

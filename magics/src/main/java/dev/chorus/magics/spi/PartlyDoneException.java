package dev.chorus.magics.spi;

/**
 * Thrown by a magic whose cell was interrupted after it kept part of its work (a fan-out keeps its
 * finished rows and binds them). The message says what was kept; a kernel shows it as the cell's
 * {@code Interrupted} error, so a Run All stops there as at any interrupted cell.
 */
public class PartlyDoneException extends InterruptedException {
    public PartlyDoneException(String whatWasKept) {
        super(whatWasKept);
    }
}

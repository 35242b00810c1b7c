package dev.chorus.magics.spi;

import java.util.List;

/**
 * A magic (or a magic's failure) that describes itself to the kernel: the usage text that
 * {@code %help}, inspection and a bad-argument error show, and the options that completion offers.
 * A kernel finds it with {@code instanceof}; a magic without it simply has no usage to show.
 */
public interface Described {

    /** The usage text (the magic's line, then what it does); null or blank for none. */
    String usage();

    /** The options it accepts, as typed ({@code --concurrency}), in any order. */
    default List<String> options() {
        return List.of();
    }
}

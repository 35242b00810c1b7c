package dev.chorus.magics;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/** Small display-data builders shared by the magics; stateless. */
final class Displays {
    private Displays() {
    }

    /** {@code text} as text/plain and as a {@code <pre>} in text/html. */
    static DisplayData text(String text) {
        DisplayData d = new DisplayData();
        d.putText(text);
        d.putHTML(Html.pre(text));
        return d;
    }

    /** A display carrying {@code id} so that it can be updated. */
    static DisplayData withId(DisplayData d, String id) {
        d.setDisplayId(id);
        return d;
    }
}

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

    /** The transient key Jupyter reads a display's id from. */
    static final String DISPLAY_ID = "display_id";

    /**
     * A display carrying {@code id} so that it can be updated. Through {@code putTransientData},
     * not {@code setDisplayId}: that method returns void in jjava-jupyter 1.0-a6 and the display
     * data in later versions, so a call compiled against one fails to link in the other
     * (JjavaLinkageTest keeps such members out of the magics).
     */
    static DisplayData withId(DisplayData d, String id) {
        d.putTransientData(DISPLAY_ID, id);
        return d;
    }
}

package dev.chorus.magics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

/** A notebook that keeps variables in a map and records every display and update, in order. */
final class RecordingNotebook implements Notebook {
    /** One display message: an update carries the id of the display it replaces. */
    record Shown(boolean update, String id, String text, String html, DisplayData data) {
    }

    final Map<String, Object> variables = new HashMap<>();
    final Map<String, String> types = new HashMap<>();
    final List<Shown> shown = new ArrayList<>();
    /** Answers to give when asked, in order; with none left, asking fails as where stdin is off. */
    final java.util.Deque<String> answers = new java.util.ArrayDeque<>();
    /** What was asked: the prompt, and "secret" when it was a password box. */
    final List<String> asked = new ArrayList<>();
    private final Renderer renderer = new Renderer();

    RecordingNotebook() {
        TableRenderer.register(renderer);
    }

    @Override
    public synchronized Object read(String name) {
        if (!variables.containsKey(name)) {
            throw new IllegalArgumentException(name + " is not defined");
        }
        return variables.get(name);
    }

    @Override
    public synchronized void bind(String name, String type, Object value) {
        variables.put(name, value);
        types.put(name, type);
    }

    @Override
    public synchronized void display(DisplayData data) {
        shown.add(new Shown(false, data.getDisplayId(), (String) data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN),
                (String) data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML), data));
    }

    @Override
    public synchronized void update(String id, DisplayData data) {
        shown.add(new Shown(true, id, (String) data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN),
                (String) data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML), data));
    }

    @Override
    public synchronized String ask(String prompt, boolean secret) {
        asked.add(prompt + (secret ? " (secret)" : ""));
        if (answers.isEmpty()) {
            throw new IllegalStateException("input is not available: no answer scripted");
        }
        return answers.removeFirst();
    }

    @Override
    public DisplayData render(Object value) {
        return renderer.render(value);
    }

    synchronized List<Shown> shown() {
        return List.copyOf(shown);
    }

    /** All text/plain output so far, joined. */
    synchronized String allText() {
        StringBuilder b = new StringBuilder();
        for (Shown s : shown) {
            b.append(s.text()).append('\n').append(s.html()).append('\n');
        }
        return b.toString();
    }
}

package dev.chorus.magicstest;

import dev.chorus.kernel.Recorder;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/** The kernel tests' recorder, plus views the magic tests need. */
final class Messages extends Recorder {
    List<PublishDisplayData> displays() {
        return of(PublishDisplayData.class);
    }

    List<PublishUpdateDisplayData> updates() {
        return of(PublishUpdateDisplayData.class);
    }

    static String html(DisplayData d) {
        Object t = d.getData(MIMEType.TEXT_HTML);
        return t == null ? null : t.toString();
    }

    /** Every text the user could see: all MIME data of displays and updates, stream text, errors. */
    String everything() {
        StringBuilder b = new StringBuilder();
        for (ContentType<?> c : messages()) {
            if (c instanceof DisplayData d) {
                for (String mime : List.of("text/plain", "text/html", "image/svg+xml")) {
                    Object v = d.getData(MIMEType.parse(mime));
                    if (v != null) {
                        b.append(v).append('\n');
                    }
                }
            } else if (c instanceof PublishStream s) {
                b.append(s.getText()).append('\n');
            } else if (c instanceof PublishError e) {
                b.append(e.getErrorName()).append(": ").append(e.getErrorMessage()).append('\n');
                e.getStacktrace().forEach(l -> b.append(l).append('\n'));
            }
        }
        return b.toString();
    }
}

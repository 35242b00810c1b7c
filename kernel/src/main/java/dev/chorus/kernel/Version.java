package dev.chorus.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The kernel's version, read from the build's properties. */
final class Version {

    static final String VERSION = read();

    private Version() {
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/META-INF/maven/dev.chorus/chorus-kernel/pom.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}

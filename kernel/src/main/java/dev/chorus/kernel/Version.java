package dev.chorus.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The kernel's version, read from the build's properties. */
public final class Version {

    public static final String VERSION = read();

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

package dev.chorus.client.internal;

/** The client's version and the User-Agent it sends. */
public final class Version {
    public static final String VERSION = "0.1.0";
    public static final String USER_AGENT = "chorus/" + VERSION;

    private Version() {
    }
}

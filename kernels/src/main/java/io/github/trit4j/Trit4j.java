package io.github.trit4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Facts about the trit4j library itself.
 *
 * <p>Thread-safe: the version is read once, when this class is initialised, and never changes.
 */
public final class Trit4j {

    private static final String VERSION = readVersion();

    private Trit4j() {
    }

    /**
     * The version of the trit4j kernels in use, as in its Maven coordinates, e.g.
     * {@code "0.1.0"} or {@code "0.1.0-SNAPSHOT"}.
     *
     * <p>The build writes it into the library's own resource {@code trit4j.properties}, so it is
     * right on the class path, on the module path, from a jar or from a build's class folder, and
     * inside a shaded jar whose manifest belongs to another artifact. The jar's manifest carries
     * the same string as {@code Implementation-Version}. Should the resource have been stripped
     * (a repackager that drops it), the package's {@code Implementation-Version} is used, and
     * {@code "unknown"} if there is none either.
     *
     * @return the version, never null
     */
    public static String version() {
        return VERSION;
    }

    private static String readVersion() {
        // Class.getResourceAsStream resolves against this class's own module, where the resource is
        // readable by this module's code even though a module's resources are otherwise encapsulated.
        try (InputStream in = Trit4j.class.getResourceAsStream("trit4j.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            // fall through to the manifest: a version string is not worth failing class initialisation
        }
        String v = Trit4j.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }
}

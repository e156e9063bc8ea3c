package io.github.trit4j.tools;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What {@code --version} prints: the trit4j version and the JVM running it. */
public final class Trit4jVersion implements IVersionProvider {

    /** Created by picocli. */
    public Trit4jVersion() {
    }

    @Override
    public String[] getVersion() {
        return new String[] {
                "trit4j " + version(),
                "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")",
        };
    }

    /** The project version, from the filtered {@code version.properties}, or {@code "unknown"}. */
    static String version() {
        try (InputStream in = Trit4jVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.github.trit4j.tools;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kernels log their dispatch decision once, at INFO, on the System.Logger
 * {@code io.github.trit4j} (java.util.logging by default, printed on stderr). A command
 * line tool prints that itself where it matters ({@code trit4j info}), so the tools keep
 * the logger at WARNING unless {@code --verbose} is given.
 */
final class LibraryLog {

    /** Held strongly: java.util.logging forgets the level of a logger that is garbage collected. */
    private static final Logger KERNELS = Logger.getLogger("io.github.trit4j");

    private LibraryLog() {
    }

    static void setVerbose(boolean verbose) {
        KERNELS.setLevel(verbose ? Level.INFO : Level.WARNING);
    }
}

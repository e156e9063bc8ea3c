package io.github.trit4j.kernel;

import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;

/**
 * Module-internal access to {@link PackedMatrix}'s unchecked wrappers, for this library's own
 * packers (im2col), whose planes the property suite proves well-formed: the public
 * {@code fromBitPlanes} / {@code fromColumnPanels} check every word of input they cannot
 * trust, which costs a pass over the activations per call. After the JDK's
 * {@code SharedSecrets}: {@code PackedMatrix} registers the wrappers when it initialises.
 * Internal API (the package is not exported).
 */
public final class TrustedPacking {

    /** The unchecked wrappers; arguments exactly as the public factories require. */
    public interface Wrappers {
        /** {@link PackedMatrix#fromBitPlanes} without its checks. */
        PackedMatrix rows(Precision precision, int rows, int cols, long[] bits);

        /** {@link PackedMatrix#fromColumnPanels} without its checks. */
        PackedMatrix columnPanels(Precision precision, int rows, int cols, int lanes, long[] panels);
    }

    private static volatile Wrappers wrappers;

    private TrustedPacking() {
    }

    /** Called once, by {@code PackedMatrix}'s static initialiser. */
    public static void register(Wrappers w) {
        if (wrappers != null) {
            throw new IllegalStateException("already registered");
        }
        wrappers = w;
    }

    /** The wrappers, initialising {@code PackedMatrix} first if need be. */
    public static Wrappers wrappers() {
        Wrappers w = wrappers;
        if (w == null) {
            try {
                Class.forName(PackedMatrix.class.getName(), true, PackedMatrix.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            w = wrappers;
        }
        return w;
    }
}

package io.github.trit4j.internal.kernel;

import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;

/**
 * Module-internal access to {@link PackedMatrix}'s unchecked wrappers, for this library's own
 * packers (im2col, activation packing), whose planes the property suite proves well-formed: the
 * public {@code fromBitPlanes} / {@code fromColumnPanels} check every word of input they cannot
 * trust, which costs a pass over the activations per call. After the JDK's
 * {@code SharedSecrets}: {@code PackedMatrix} registers the wrappers when it initialises.
 *
 * <p>Reachable only from trit4j's own code, twice over: the module does not export this package,
 * and, because that holds only on the module path, {@link #register} and {@link #wrappers} also
 * check their caller ({@link IllegalCallerException} otherwise). A caller qualifies if it is in
 * this module when the library runs as a named module, or in an {@code io.github.trit4j}
 * package loaded by this class's loader on the class path. Callers fetch the wrappers once, into
 * a static final field, so the stack walk is not paid per product.
 */
public final class TrustedPacking {

    /** The unchecked wrappers; arguments exactly as the public factories require. */
    public interface Wrappers {
        /**
         * {@link PackedMatrix#fromBitPlanes} without its checks.
         *
         * @param precision the codes' precision
         * @param rows      number of rows
         * @param cols      number of codes per row
         * @param bits      the planes, well-formed, taken without a copy
         * @return the matrix over {@code bits}
         */
        PackedMatrix rows(Precision precision, int rows, int cols, long[] bits);

        /**
         * {@link PackedMatrix#fromColumnPanels} without its checks.
         *
         * @param precision the codes' precision
         * @param rows      number of rows
         * @param cols      number of codes per row
         * @param lanes     rows per panel
         * @param panels    the panels, well-formed, taken without a copy
         * @return the matrix over {@code panels}
         */
        PackedMatrix columnPanels(Precision precision, int rows, int cols, int lanes, long[] panels);
    }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private static final String OWN_PACKAGE = "io.github.trit4j";

    private static volatile Wrappers wrappers;

    private TrustedPacking() {
    }

    /**
     * Called once, by {@code PackedMatrix}'s static initialiser.
     *
     * @param w the wrappers
     * @throws IllegalCallerException if the caller is not {@code PackedMatrix}
     * @throws IllegalStateException  if already registered
     */
    public static void register(Wrappers w) {
        Class<?> caller = WALKER.getCallerClass();
        if (caller != PackedMatrix.class) {
            throw new IllegalCallerException(caller.getName() + " may not register the trusted packing wrappers");
        }
        if (wrappers != null) {
            throw new IllegalStateException("already registered");
        }
        wrappers = w;
    }

    /**
     * The wrappers, initialising {@code PackedMatrix} first if need be.
     *
     * @return the unchecked wrappers
     * @throws IllegalCallerException if the caller is not trit4j's own code (see the class comment)
     */
    public static Wrappers wrappers() {
        Class<?> caller = WALKER.getCallerClass();
        if (!trusted(caller)) {
            throw new IllegalCallerException(caller.getName() + " is not part of trit4j and may not wrap unchecked"
                    + " planes; use PackedMatrix.fromBitPlanes or fromColumnPanels");
        }
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

    /** Whether {@code caller} is this library's code (see the class comment). */
    static boolean trusted(Class<?> caller) {
        Module own = TrustedPacking.class.getModule();
        if (own.isNamed()) {
            return caller.getModule() == own;
        }
        String pkg = caller.getPackageName();
        return caller.getClassLoader() == TrustedPacking.class.getClassLoader()
                && (pkg.equals(OWN_PACKAGE) || pkg.startsWith(OWN_PACKAGE + "."));
    }
}

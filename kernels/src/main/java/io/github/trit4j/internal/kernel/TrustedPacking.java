package io.github.trit4j.internal.kernel;

/**
 * Module-internal access to the public handle's unchecked constructor, for this library's own
 * packers (im2col, activation packing), whose planes the property suite proves well-formed: the
 * public {@code PackedMatrix.fromBitPlanes} / {@code fromColumnPanels} check every word of input
 * they cannot trust, which costs a pass over the activations per call. After the JDK's
 * {@code SharedSecrets}: the handle registers its constructor when it initialises. The handle's
 * type is a type parameter here, so that this package does not depend on the public one (the
 * handle depends on {@link Operand}, not the other way round).
 *
 * <p>Reachable only from trit4j's own code, twice over: the module does not export this package,
 * and, because that holds only on the module path, {@link #register} and {@link #wrapper} also
 * check their caller ({@link IllegalCallerException} otherwise). A caller qualifies if it is in
 * this module when the library runs as a named module, or in an {@code io.github.trit4j}
 * package loaded by this class's loader on the class path. Callers fetch the wrapper once, into
 * a static final field, so the stack walk is not paid per product.
 */
public final class TrustedPacking {

    /**
     * Makes the public handle over an operand, without checks.
     *
     * @param <M> the handle type
     */
    @FunctionalInterface
    public interface Wrapper<M> {
        /**
         * The handle over {@code operand}.
         *
         * @param operand well-formed planes (see {@link Planes#checkRows}, {@link Planes#checkPanels})
         * @return the handle
         */
        M wrap(Operand operand);
    }

    /** The one handle type that may register. */
    private static final String HANDLE = "io.github.trit4j.PackedMatrix";

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private static final String OWN_PACKAGE = "io.github.trit4j";

    /** The handle type and its wrapper, published together. */
    private record Registration(Class<?> type, Wrapper<?> wrapper) {
    }

    private static volatile Registration registration;

    private TrustedPacking() {
    }

    /**
     * Called once, by the handle's static initialiser.
     *
     * @param type the handle type
     * @param w    its unchecked constructor
     * @param <M>  the handle type
     * @throws IllegalCallerException if the caller is not the handle type of trit4j
     * @throws IllegalStateException  if already registered
     */
    public static <M> void register(Class<M> type, Wrapper<M> w) {
        Class<?> caller = WALKER.getCallerClass();
        if (caller != type || !HANDLE.equals(type.getName()) || !trusted(caller)) {
            throw new IllegalCallerException(caller.getName() + " may not register the trusted packing wrapper");
        }
        if (registration != null) {
            throw new IllegalStateException("already registered");
        }
        registration = new Registration(type, w);
    }

    /**
     * The handle's unchecked constructor, initialising the handle type first if need be.
     *
     * @param type the handle type
     * @param <M>  the handle type
     * @return the wrapper
     * @throws IllegalCallerException if the caller is not trit4j's own code (see the class comment)
     */
    @SuppressWarnings("unchecked")
    public static <M> Wrapper<M> wrapper(Class<M> type) {
        Class<?> caller = WALKER.getCallerClass();
        if (!trusted(caller)) {
            throw new IllegalCallerException(caller.getName() + " is not part of trit4j and may not wrap unchecked"
                    + " planes; use PackedMatrix.fromBitPlanes or fromColumnPanels");
        }
        Registration r = registration;
        if (r == null) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            r = registration;
        }
        if (r == null || r.type() != type) {
            throw new IllegalArgumentException(type.getName() + " has no trusted wrapper");
        }
        return (Wrapper<M>) r.wrapper();
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

package io.github.trit4j;

import io.github.trit4j.internal.kernel.KernelProvider;

/**
 * Packed GEMM on the kernel shape chosen for this JVM:
 * {@code out[i*N + j] = sum_k W[i][k] * X[j][k]}, with weights W (M x K, one row per
 * output channel) and activations X (N x K, one row per output column).
 *
 * <pre>{@code
 * PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, weights, m, k);          // once
 * PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, codes, n, k);   // per call
 * int[] y = Gemm.multiply(w, x);                                                  // y[i*n + j]
 * }</pre>
 *
 * <p>The shape is chosen once, on first use, by {@link KernelProvider#select()}: the
 * system property {@code trit4j.isa} forces one; otherwise the vector module's presence,
 * the architecture, the JIT's preferred vector size and the CPU's popcount features
 * decide. The choice and its reason are logged once (System.Logger
 * {@code io.github.trit4j}: level INFO, or WARNING when the JVM falls back to the scalar
 * kernels without {@code trit4j.isa} asking for them, e.g. for want of the vector module;
 * the INFO line from a background thread so that the logging backend's start-up does not delay
 * the first call, the WARNING on the calling thread so that a short program does not lose it)
 * and available from {@link #isa()} and {@link #dispatchReason()}.
 *
 * <p>All methods are thread-safe.
 */
public final class Gemm {

    private static volatile GemmEngine engine;
    private static volatile String reason;

    private Gemm() {
    }

    /**
     * The engine of the shape chosen for this JVM.
     *
     * @return the dispatched engine, created once
     * @throws IllegalArgumentException if {@code -Dtrit4j.isa} names no shape, or a vector shape
     *                                  on a JVM without the vector module (thrown on every call)
     */
    public static GemmEngine engine() {
        GemmEngine e = engine;
        if (e == null) {
            synchronized (Gemm.class) {
                e = engine;
                if (e == null) {
                    KernelProvider.Selection selection = KernelProvider.select();
                    e = GemmEngine.of(selection.isa());
                    reason = selection.reason();
                    log(logLevel(selection), "trit4j kernels: " + selection.isa() + " (" + selection.reason() + ")");
                    engine = e;
                }
            }
        }
        return e;
    }

    /**
     * WARNING when this JVM falls back to the scalar kernels without being asked to (no vector
     * module, or vectors too narrow), so that a service logging at WARNING learns it runs several
     * times slower than it could, as Lucene warns when its vector module is missing; INFO otherwise,
     * including a shape forced by {@code -Dtrit4j.isa}, which is a choice.
     */
    private static System.Logger.Level logLevel(KernelProvider.Selection selection) {
        String forced = System.getProperty(KernelProvider.ISA_PROPERTY);
        boolean unasked = forced == null || forced.isBlank();
        return selection.isa() == Isa.SCALAR && unasked ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
    }

    /**
     * A WARNING (the scalar fallback nobody asked for) on the calling thread, so that it is
     * written even when the program ends right after its first product: logged off-thread, on a
     * daemon thread, it was lost in short programs. Anything else on a short-lived daemon thread
     * ({@link #logOffThread}): the JVM's first log record initialises the logging backend, tens
     * to hundreds of milliseconds, which the first call of a normal run should not wait for.
     */
    static void log(System.Logger.Level level, String message) {
        if (level == System.Logger.Level.WARNING) {
            System.getLogger("io.github.trit4j").log(level, message);
        } else {
            logOffThread(level, message);
        }
    }

    /** Logs on a short-lived daemon thread (see {@link #log}). */
    static void logOffThread(System.Logger.Level level, String message) {
        Thread.ofPlatform().name("trit4j-log").daemon(true).inheritInheritableThreadLocals(false)
                .start(() -> System.getLogger("io.github.trit4j").log(level, message));
    }

    /**
     * The kernel shape in use.
     *
     * @return the shape of {@link #engine()}
     * @throws IllegalArgumentException as {@link #engine()}
     */
    public static Isa isa() {
        return engine().isa();
    }

    /**
     * Whether this JVM has resolved the {@code jdk.incubator.vector} module, which every shape
     * but {@link Isa#SCALAR} needs ({@link Isa#needsVectorModule()}). Does not run the dispatch,
     * so it never throws for a bad {@code -Dtrit4j.isa}.
     *
     * @return true if the vector shapes can be created in this JVM ({@link GemmEngine#of(Isa)})
     */
    public static boolean vectorModulePresent() {
        return KernelProvider.vectorModulePresent();
    }

    /**
     * The vector size the JIT prefers ({@code VectorShape.preferredShape()}), which the dispatch
     * weighs with the CPU's flags. Does not run the dispatch.
     *
     * @return the size in bits, or 0 when the vector module is absent
     */
    public static int preferredVectorBits() {
        return KernelProvider.preferredVectorBits();
    }

    /**
     * Why {@link #isa()} was chosen, in one line.
     *
     * @return the reason, for logs and {@code trit4j info}
     * @throws IllegalArgumentException as {@link #engine()}
     */
    public static String dispatchReason() {
        engine();
        return reason;
    }

    /**
     * FATNN product into a new array; see {@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, int[])}.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @return the M*N results, row-major
     * @throws IllegalArgumentException as the engine's multiply
     */
    public static int[] multiply(PackedMatrix weights, PackedMatrix activations) {
        return engine().multiply(weights, activations);
    }

    /**
     * FATNN product into {@code out}; see {@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, int[])}.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param out         receives the M*N results, row-major
     * @throws IllegalArgumentException as the engine's multiply
     */
    public static void multiply(PackedMatrix weights, PackedMatrix activations, int[] out) {
        engine().multiply(weights, activations, out);
    }

    /**
     * Product with a chosen algorithm, into a new array.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or CONVENTIONAL (same result)
     * @return the M*N results, row-major
     * @throws IllegalArgumentException as the engine's multiply
     */
    public static int[] multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm) {
        return engine().multiply(weights, activations, algorithm);
    }

    /**
     * Product with a chosen algorithm, into {@code out}; see {@link GemmEngine}.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or CONVENTIONAL (same result)
     * @param out         receives the M*N results, row-major
     * @throws IllegalArgumentException as the engine's multiply
     */
    public static void multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm, int[] out) {
        engine().multiply(weights, activations, algorithm, out);
    }
}

package io.github.trit4j;

import io.github.trit4j.kernel.BitKernels;
import io.github.trit4j.kernel.Epilogue;
import io.github.trit4j.kernel.KernelProvider;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Packed GEMM on one kernel shape: {@code out[i*N + j] = sum_k W[i][k] * X[j][k]} for
 * weights W (M x K) and activations X (N x K). {@link Gemm} is the same on the shape
 * chosen for this JVM; this class lets a caller (a test, a benchmark) pin a shape.
 *
 * <p>Supported pairs (weights x activations): {@code TERNARY x TERNARY_UNSIGNED} (FATNN),
 * {@code TERNARY x TWO_BIT}, {@code TERNARY x TERNARY}, {@code TWO_BIT x TWO_BIT},
 * {@code BINARY x BINARY}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GemmEngine {

    /** The supported pairs, for messages. */
    static final String SUPPORTED_PAIRS = "TERNARY x TERNARY_UNSIGNED, TERNARY x TWO_BIT, TERNARY x TERNARY, "
            + "TWO_BIT x TWO_BIT, BINARY x BINARY";

    private static final Map<Isa, GemmEngine> ENGINES = new EnumMap<>(Isa.class);

    private final BitKernels kernels;

    private GemmEngine(BitKernels kernels) {
        this.kernels = kernels;
    }

    /**
     * The engine for a shape. Any shape works on any host that has the vector module;
     * one wider than the hardware is correct but slow.
     *
     * @throws NullPointerException  if {@code isa} is null
     * @throws IllegalStateException if {@code isa} needs {@code jdk.incubator.vector} and the
     *                               JVM was started without it
     */
    public static GemmEngine of(Isa isa) {
        Objects.requireNonNull(isa, "isa");
        synchronized (ENGINES) {
            GemmEngine engine = ENGINES.get(isa);
            if (engine == null) {
                engine = new GemmEngine(KernelProvider.create(isa));
                ENGINES.put(isa, engine);
            }
            return engine;
        }
    }

    /** The shape this engine's kernels are written for. */
    public Isa isa() {
        return kernels.isa();
    }

    /** {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} with FATNN, into a new array. */
    public int[] multiply(PackedMatrix weights, PackedMatrix activations) {
        return multiply(weights, activations, Algorithm.FATNN);
    }

    /** {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} into a new array of M*N. */
    public int[] multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm) {
        checkOperands(weights, activations, algorithm);
        int[] out = new int[outputLength(weights, activations)];
        compute(weights, activations, algorithm, out);
        return out;
    }

    /** {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} with FATNN. */
    public void multiply(PackedMatrix weights, PackedMatrix activations, int[] out) {
        multiply(weights, activations, Algorithm.FATNN, out);
    }

    /**
     * Computes {@code out[i*N + j] = sum_k W[i][k] * X[j][k]}, exactly.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or the conventional 2-bit-code algorithm (same result)
     * @param out         receives M*N results, row-major; untouched if an exception is thrown
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the pair is unsupported, K differs, or
     *                                  {@code out.length != M*N}
     */
    public void multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm, int[] out) {
        checkOperands(weights, activations, algorithm);
        Objects.requireNonNull(out, "out");
        int expected = outputLength(weights, activations);
        if (out.length != expected) {
            throw new IllegalArgumentException("out.length is " + out.length + " but M * N = "
                    + weights.rows() + " * " + activations.rows() + " = " + expected);
        }
        compute(weights, activations, algorithm, out);
    }

    private void compute(PackedMatrix w, PackedMatrix x, Algorithm algorithm, int[] out) {
        int m = w.rows();
        int n = x.rows();
        int k = w.cols();
        int words = w.wordsPerRow();
        Precision pw = w.precision();
        Precision px = x.precision();
        if (algorithm == Algorithm.CONVENTIONAL && pw == Precision.TERNARY) {
            // sum (w+1) x' over 2-bit codes; x' = x + 1 for ternary activations, x otherwise
            PackedMatrix w2 = w.twoBitCodes();
            PackedMatrix x2 = x.twoBitCodes();
            Epilogue e = px == Precision.TERNARY
                    ? new Epilogue(1, w.rowSums(), -1, x.rowSums(), -1, -k)
                    : new Epilogue(1, null, 0, x.rowSums(), -1, 0);
            kernels.twoBit(w2.bits(), x2.bits(), words, 0, m, 0, n, e, out, n);
            return;
        }
        switch (pw) {
            case TERNARY -> {
                switch (px) {
                    case TERNARY_UNSIGNED -> kernels.ternary(w.bits(), x.bits(), words, 0, 0, m, 0, n,
                            new Epilogue(1, w.negatives(), -2, null, 0, 0), out, n);
                    case TWO_BIT -> kernels.ternary(w.bits(), x.bits(), words, 1, 0, m, 0, n,
                            new Epilogue(1, w.negatives(), -3, null, 0, 0), out, n);
                    // FATNN on x + 1, minus the row sum of w: A0 + A1 - 2 neg - sum = A0 + A1 - nonzeros
                    case TERNARY -> kernels.ternary(w.bits(), x.offsetThermometer().bits(), words, 0, 0, m, 0, n,
                            new Epilogue(1, w.nonZeros(), -1, null, 0, 0), out, n);
                    default -> throw new AssertionError(px);
                }
            }
            case TWO_BIT -> kernels.twoBit(w.bits(), x.bits(), words, 0, m, 0, n,
                    new Epilogue(1, null, 0, null, 0, 0), out, n);
            case BINARY -> kernels.binary(w.bits(), x.bits(), words, 0, m, 0, n,
                    new Epilogue(-2, null, 0, null, 0, k), out, n);
            default -> throw new AssertionError(pw);
        }
    }

    static void checkOperands(PackedMatrix w, PackedMatrix x, Algorithm algorithm) {
        Objects.requireNonNull(w, "weights");
        Objects.requireNonNull(x, "activations");
        Objects.requireNonNull(algorithm, "algorithm");
        if (!supported(w.precision(), x.precision())) {
            throw new IllegalArgumentException("unsupported pair " + w.precision() + " x " + x.precision()
                    + " (weights x activations); supported: " + SUPPORTED_PAIRS);
        }
        if (w.cols() != x.cols()) {
            throw new IllegalArgumentException("K mismatch: weights have " + w.cols()
                    + " columns, activations " + x.cols());
        }
        long maxAbs = (long) w.cols() * maxAbs(w.precision()) * maxAbs(x.precision());
        if (maxAbs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("K = " + w.cols() + " is too long for " + w.precision() + " x "
                    + x.precision() + ": a dot product could reach " + maxAbs + ", beyond int");
        }
    }

    private static int outputLength(PackedMatrix w, PackedMatrix x) {
        long len = (long) w.rows() * x.rows();
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("M * N = " + w.rows() + " * " + x.rows() + " = " + len
                    + " does not fit a Java array");
        }
        return (int) len;
    }

    private static int maxAbs(Precision p) {
        return Math.max(Math.abs(p.min()), Math.abs(p.max()));
    }

    static boolean supported(Precision w, Precision x) {
        return switch (w) {
            case TERNARY -> x == Precision.TERNARY_UNSIGNED || x == Precision.TWO_BIT || x == Precision.TERNARY;
            case TWO_BIT -> x == Precision.TWO_BIT;
            case BINARY -> x == Precision.BINARY;
            case TERNARY_UNSIGNED -> false;
        };
    }

    @Override
    public String toString() {
        return "GemmEngine[" + isa() + "]";
    }
}

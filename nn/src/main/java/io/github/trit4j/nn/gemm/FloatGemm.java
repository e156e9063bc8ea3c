package io.github.trit4j.nn.gemm;

import io.github.trit4j.GemmEngine;

import java.util.Objects;

/**
 * Row-major single-precision GEMM with a constant left operand, as the network's float layers
 * use it: {@code C[cOffset + i*N + j] = sum_kk A[i*K + kk] * B[j*K + kk]} (A is M x K, the
 * weights; B is N x K, one row per output pixel or per sample). A is prepared once
 * ({@link #prepare}), so an implementation may pack or copy it off-heap.
 *
 * <p>Implementations must be thread-safe: one {@link Prepared} is multiplied from several
 * threads at once (each with its own B and C). A product runs on the threads of the trit4j
 * engine it is given ({@link GemmEngine#runRanges}: its helpers or its executor, at most its
 * {@link GemmEngine#threads()}), so that a network's float and quantized layers share one set
 * of threads. The results may differ between implementations
 * in the last bits (summation order), never more.
 *
 * <p>The default is {@link #javaDefault()}: the register-tiled Vector API kernel
 * ({@link Fp32VectorGemm}) when {@code jdk.incubator.vector} is resolved, else
 * {@link #scalar()}. The benchmarks plug OpenBLAS in through this interface.
 */
public interface FloatGemm {

    /**
     * Prepares A for repeated products.
     *
     * @param a M x K, row-major; copied (or packed), so the caller may reuse it
     * @param m rows of A
     * @param k columns of A (the reduction length)
     * @return A prepared, ready for {@link Prepared#multiply}
     * @throws IllegalArgumentException if {@code m} or {@code k} is below 1 or {@code a.length != m*k}
     */
    Prepared prepare(float[] a, int m, int k);

    /** {@return a short name for reports, e.g. {@code "Vector API 512-bit"}} */
    String name();

    /** A prepared left operand. Thread-safe. */
    interface Prepared {
        /** {@return rows of A} */
        int m();

        /** {@return columns of A (the reduction length)} */
        int k();

        /**
         * {@code c[cOffset + i*n + j] = sum_kk A[i][kk] * b[j*K + kk]} for {@code i < M, j < n}; other
         * elements of {@code c} are untouched.
         *
         * @param b       n x K row-major, at least {@code n*K} long
         * @param n       rows of {@code b} (columns of the output)
         * @param c       the output, M x n row-major from {@code cOffset}
         * @param cOffset where the output starts in {@code c}
         * @param engine  whose threads this product may use ({@link GemmEngine#threads()}, the
         *               caller's included)
         * @throws IllegalArgumentException for a bad size or too short an array
         */
        void multiply(float[] b, int n, float[] c, int cOffset, GemmEngine engine);
    }

    /**
     * The Vector API kernel when the vector module is resolved in the boot layer, else
     * {@link #scalar()}. The vector class is loaded by reflection only in the first case, so a
     * JVM without the module never links it.
     *
     * @return the default float GEMM of this JVM
     */
    static FloatGemm javaDefault() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (FloatGemm) Class.forName("io.github.trit4j.nn.gemm.Fp32VectorGemm")
                        .getMethod("floatGemm").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return scalar();
            }
        }
        return scalar();
    }

    /** {@return the portable scalar kernel (4 x 4 register blocking, plain loops)} */
    static FloatGemm scalar() {
        return ScalarFloatGemm.INSTANCE;
    }

    /**
     * Checks a prepare call's arguments.
     *
     * @param a A, M x K row-major
     * @param m rows of A
     * @param k columns of A
     * @throws IllegalArgumentException naming the bad value
     */
    static void checkPrepare(float[] a, int m, int k) {
        Objects.requireNonNull(a, "a");
        if (m < 1 || k < 1) {
            throw new IllegalArgumentException("M and K must be >= 1, got " + m + ", " + k);
        }
        if (a.length != (long) m * k) {
            throw new IllegalArgumentException("a.length is " + a.length + " but M*K = " + ((long) m * k));
        }
    }

    /**
     * Checks a multiply call's arguments against a prepared M x K.
     *
     * @param m       rows of the prepared A
     * @param k       columns of the prepared A
     * @param b       n x K row-major
     * @param n       rows of {@code b}
     * @param c       the output
     * @param cOffset where the output starts in {@code c}
     * @param engine  whose threads the product may use
     * @throws IllegalArgumentException naming the bad value
     */
    static void checkMultiply(int m, int k, float[] b, int n, float[] c, int cOffset, GemmEngine engine) {
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(engine, "engine");
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (b.length < (long) n * k) {
            throw new IllegalArgumentException("b.length is " + b.length + " but n*K = " + ((long) n * k));
        }
        if (cOffset < 0 || c.length < (long) cOffset + (long) m * n) {
            throw new IllegalArgumentException("c.length is " + c.length + " but cOffset + M*n = " + cOffset
                    + " + " + ((long) m * n));
        }
    }
}

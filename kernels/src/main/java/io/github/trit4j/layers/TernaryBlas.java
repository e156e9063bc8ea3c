package io.github.trit4j.layers;

import io.github.trit4j.PackedMatrix;
import io.github.trit4j.internal.kernel.ActivationPacking;
import io.github.trit4j.internal.kernel.TrustedPacking;

import java.util.Objects;

/**
 * An sgemm-shaped entry for engines that call a float GEMM today. It matches exactly one BLAS
 * form: {@code cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, alpha, A, lda, B,
 * ldb, beta, C, ldc)}, with the same argument order, B replaced by a {@link PackedWeights}
 * packed once from the same float {@code K x N} B, and optional array offsets before each
 * leading dimension. All matrices are row-major: {@code A[i][kk] = a[aOff + i*lda + kk]},
 * {@code C[i][j] = c[cOff + i*ldc + j]}, B's element {@code (kk, j)} is
 * {@code b[bOff + kk*ldb + j]}; there are no transpose flags.
 *
 * <p>Sizes keep cblas's names, as its users read them from cblas, whereas trit4j's values
 * say {@code rows} and {@code cols}: A is {@code m x k} and C is {@code m x n} (row-major
 * arrays, no value type), and B, the {@code k x n} {@link PackedWeights}, has
 * {@link PackedWeights#rows() rows()} {@code == k} and {@link PackedWeights#cols() cols()}
 * {@code == n}.
 *
 * <p>Fortran-style {@code sgemm} (reference BLAS, netlib-java's {@code BLAS.sgemm}) is
 * column-major and takes {@code transa}/{@code transb}: do not port such a call argument by
 * argument, or the matrices are silently transposed. A column-major {@code C = A B} (no
 * transposes) is the row-major {@code C^T = B^T A^T}; call this class with the roles of A and
 * B swapped (the packed operand is then the column-major A, read as a row-major
 * {@code K x M} matrix) or pack the transposed weights.
 *
 * <pre>{@code
 * // before: cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
 * PackedWeights pb = PackedWeights.pack(b, 0, k, n, ldb, weightQuantizer, activationQuantizer); // once
 * TernaryBlas.sgemm(m, n, k, alpha, a, lda, pb, beta, c, ldc);                                   // per call
 * }</pre>
 * Computes {@code C = alpha * (sx * Q(A)) (sw * T(B)) + beta * C} where Q is B's activation
 * quantizer (A must be non-negative in its meaning: FATNN activations) and T its weight codes:
 * {@code C[i][j] = alpha * ((float) acc[i][j] * c[j]) + beta * C[i][j]} in float, with
 * {@code c[j] = sw[j] * sx} rounded once and {@code acc} the exact integer product. As in BLAS,
 * when {@code beta == 0} C is not read (NaN there is ignored).
 *
 * <p>Stateless and thread-safe (calls on disjoint C may run concurrently).
 */
public final class TernaryBlas {

    /** Wraps the activation planes this library packs itself; fetched once (the fetch checks its caller). */
    private static final TrustedPacking.Wrapper<PackedMatrix> TRUSTED = TrustedPacking.wrapper(PackedMatrix.class);

    private TernaryBlas() {
    }

    /**
     * {@link #sgemm(int, int, int, float, float[], int, int, PackedWeights, float, float[], int, int)} with zero offsets.
     *
     * @param m     rows of A and C (e.g. output pixels or batch)
     * @param n     columns of B and C (output channels); must equal {@code b.cols()}
     * @param k     columns of A, rows of B; must equal {@code b.rows()}
     * @param alpha finite
     * @param a     {@code a[i*lda + kk]}; NaN is an IAE naming its index
     * @param lda   leading dimension of A, {@code >= k}
     * @param b     the packed weights
     * @param beta  finite
     * @param c     {@code c[i*ldc + j]}; untouched if an exception is thrown
     * @param ldc   leading dimension of C, {@code >= n}
     * @throws IllegalArgumentException naming the parameter and value for any mismatch
     */
    public static void sgemm(int m, int n, int k, float alpha, float[] a, int lda, PackedWeights b, float beta,
                             float[] c, int ldc) {
        sgemm(m, n, k, alpha, a, 0, lda, b, beta, c, 0, ldc);
    }

    /**
     * Row-major, no-transpose sgemm with pre-packed ternary B.
     *
     * @param m     rows of A and C (e.g. output pixels or batch)
     * @param n     columns of B and C (output channels); must equal {@code b.cols()}
     * @param k     columns of A, rows of B; must equal {@code b.rows()}
     * @param alpha finite
     * @param a     {@code a[aOff + i*lda + kk]}; NaN is an IAE naming its index
     * @param aOff  index of A's element (0, 0)
     * @param lda   leading dimension of A, {@code >= k}
     * @param b     the packed weights
     * @param beta  finite
     * @param c     {@code c[cOff + i*ldc + j]}; untouched if an exception is thrown
     * @param cOff  index of C's element (0, 0)
     * @param ldc   leading dimension of C, {@code >= n}
     * @throws IllegalArgumentException naming the parameter and value for any mismatch
     */
    public static void sgemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, PackedWeights b,
                             float beta, float[] c, int cOff, int ldc) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        if (m < 0) {
            throw new IllegalArgumentException("m must be >= 0, got " + m);
        }
        if (n != b.cols()) {
            throw new IllegalArgumentException("n = " + n + " but the packed B has " + b.cols() + " columns");
        }
        if (k != b.rows()) {
            throw new IllegalArgumentException("k = " + k + " but the packed B has " + b.rows() + " rows");
        }
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite, got " + alpha);
        }
        if (!Float.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be finite, got " + beta);
        }
        if (lda < k) {
            throw new IllegalArgumentException("lda = " + lda + " must be >= k = " + k);
        }
        if (ldc < n) {
            throw new IllegalArgumentException("ldc = " + ldc + " must be >= n = " + n);
        }
        if (aOff < 0) {
            throw new IllegalArgumentException("aOff must be >= 0, got " + aOff);
        }
        if (cOff < 0) {
            throw new IllegalArgumentException("cOff must be >= 0, got " + cOff);
        }
        if (m == 0) {
            return;
        }
        long aEnd = aOff + (long) (m - 1) * lda + k;
        if (aEnd > a.length) {
            throw new IllegalArgumentException("a.length is " + a.length + " but aOff + (m - 1) * lda + k = " + aEnd);
        }
        long cEnd = cOff + (long) (m - 1) * ldc + n;
        if (cEnd > c.length) {
            throw new IllegalArgumentException("c.length is " + c.length + " but cOff + (m - 1) * ldc + n = " + cEnd);
        }
        PackedMatrix x = TRUSTED.wrap(ActivationPacking.pack(b.activationQuantizer(), b.engine(), a, aOff, m, k, lda, "a"));
        int[] acc = b.engine().multiply(b.packed(), x); // acc[j * m + i]
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float v = alpha * ((float) acc[j * m + i] * b.combinedScale(j));
                c[row + j] = beta == 0 ? v : v + beta * c[row + j];
            }
        }
    }
}

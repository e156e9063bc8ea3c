package io.github.trit4j.nn.gemm;

import io.github.trit4j.GemmEngine;

/**
 * A prepared left operand that also takes B already in its packed panel layout, so that a caller
 * which produces B anyway (a convolution's im2col) writes it there once instead of row-major and
 * then packed again by {@link #multiply}. Panels are {@link #panelWidth()} columns of B (rows of
 * the caller's N x K matrix) interleaved along K: {@code B[j][kk]} is at
 * {@code ((j / NR) * K + kk) * NR + j % NR}, with {@code NR = panelWidth()} and the pad columns
 * of the last panel zero.
 *
 * <p>Thread-safe, as {@link FloatGemm.Prepared}.
 */
public interface PanelPrepared extends FloatGemm.Prepared {

    /** {@return columns of B per panel} */
    int panelWidth();

    /**
     * {@return whether a B of {@code n} columns may be given as panels ({@link #multiplyPanels})}
     *
     * @param n columns of the output (rows of B)
     */
    boolean takesPanels(int n);

    /**
     * {@code c[cOffset + i*n + j] = sum_kk A[i][kk] * B[j][kk]}, B given as panels.
     *
     * @param panels  B in the panel layout, at least {@code ceil(n / NR) * NR * K} long (not copied)
     * @param n       rows of B (columns of the output)
     * @param c       the output, M x n row-major from {@code cOffset}
     * @param cOffset where the output starts in {@code c}
     * @param engine  whose threads the product may use
     * @throws IllegalArgumentException for an {@code n} that {@link #takesPanels} refuses, or too
     *                                  short an array
     */
    void multiplyPanels(float[] panels, int n, float[] c, int cOffset, GemmEngine engine);

    /**
     * A block of C's columns from a block of panels, on the calling thread:
     * {@code c[cOffset + i*ldc + j] = sum_kk A[i][kk] * B[j][kk]} for {@code i < M, j < cols}, B's
     * {@code cols} columns given as panels starting at index 0 of {@code panels}. Lets a caller
     * produce B a few panels at a time and consume each block while it is still in cache (and
     * split the columns between its own threads).
     *
     * @param panels  the block's panels, at least {@code ceil(cols / NR) * NR * K} long (pad columns zero)
     * @param cols    columns of the block
     * @param c       the output
     * @param cOffset where the block's first element is in {@code c}
     * @param ldc     distance between rows of C, at least {@code cols}
     * @throws IllegalArgumentException for a bad {@code cols} or {@code ldc}, or too short an array
     */
    void multiplyPanelColumns(float[] panels, int cols, float[] c, int cOffset, int ldc);
}

package io.github.trit4j;

/**
 * What a fused product ({@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, FloatEpilogue,
 * float[], float[], TileConsumer)}) calls with each block of float outputs right after its epilogue wrote
 * them, while they are in cache: rows {@code [i0, i1)} x columns {@code [j0, j1)} of the row-major
 * {@code M x n} output {@code out}, final (the block is never written again by the product). A
 * convolution quantizes them there for the next convolution, without a pass of its own over its output.
 *
 * <p>Order and threads: every output is in exactly one block. A multi-threaded product calls the
 * consumer from several threads at once, on disjoint blocks, and two calls on different threads never
 * cover the same row and the same 64-column word ({@code [64 w, 64 w + 64)}) of it; the calls of one row
 * and word on one thread come in increasing column order. So a consumer may keep one 64-bit mask per row
 * and 64 columns, written by plain (unsynchronised) read-modify-writes. The product has returned only
 * after every call has.
 */
@FunctionalInterface
public interface TileConsumer {

    /**
     * One finished block.
     *
     * @param out the product's float output, row-major
     * @param n   columns per row of {@code out}
     * @param i0  first row of the block
     * @param i1  end of the block's rows (exclusive)
     * @param j0  first column of the block
     * @param j1  end of the block's columns (exclusive)
     */
    void accept(float[] out, int n, int i0, int i1, int j0, int j1);
}

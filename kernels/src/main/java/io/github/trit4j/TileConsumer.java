package io.github.trit4j;

/**
 * What a fused product ({@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, FloatEpilogue,
 * float[], float[], TileConsumer)}) calls with each block of float outputs right after its epilogue wrote
 * them, while they are in cache: rows {@code [i0, i1)} x columns {@code [j0, j1)} of the {@code M x N}
 * output, final, output {@code (i, j)} at {@code values[offset + i * stride + j]} (the product's output
 * array, {@code offset} 0 and {@code stride} N; or, for a product that writes no output array, a buffer of
 * the calling thread's that holds only the block, valid during the call). A convolution quantizes them
 * there for the next convolution, without a pass of its own over its output.
 *
 * <p>Blocks and threads: every output is in exactly one block; {@code j0} is a multiple of 64 and
 * {@code j1} a multiple of 64 or N, so a block holds whole 64-column words of its rows (the last word of a
 * row possibly short) and no two blocks share a word of a row. A multi-threaded product calls the consumer
 * from several threads at once, on disjoint blocks; so a consumer may keep one 64-bit mask per row and 64
 * columns, written by plain stores. The product has returned only after every call has.
 */
@FunctionalInterface
public interface TileConsumer {

    /**
     * One finished block.
     *
     * @param values the outputs
     * @param offset where output {@code (0, 0)} would be in {@code values} (may be negative: only the
     *               block's outputs are there)
     * @param stride the distance between rows in {@code values}
     * @param i0     first row of the block
     * @param i1     end of the block's rows (exclusive)
     * @param j0     first column of the block, a multiple of 64
     * @param j1     end of the block's columns (exclusive), a multiple of 64 or N
     */
    void accept(float[] values, int offset, int stride, int i0, int i1, int j0, int j1);
}

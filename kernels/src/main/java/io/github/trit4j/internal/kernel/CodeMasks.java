package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;

/**
 * Turns byte codes into 64-bit plane masks, the one ISA-specific step of packing
 * activations (BLIS's packing kernel): everything else in a packer moves whole words.
 * {@link ScalarCodeMasks} is the default; {@link KernelProvider#codeMasks} loads the Vector
 * API one where the vector module is present. Internal API.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface CodeMasks {

    /**
     * Masks of {@code len} codes {@code src[off + i]} of {@code precision}, checked on the way:
     * for each group {@code g < ceil(len / 64)}, bit {@code j} of {@code d0[o0 + g * stride]}
     * is plane 0 of code {@code 64 g + j}, and (for two-plane precisions) bit {@code j} of
     * {@code d1[o1 + g * stride]} its plane 1, in {@code io.github.trit4j.PackedMatrix}'s
     * encoding. Bits past {@code len} are 0. {@code d1} is not touched for one plane.
     *
     * @return the index into {@code src} of the first code outside {@code precision} (the words
     *         are then unspecified), or -1
     */
    int masks(byte[] src, int off, int len, Precision precision, long[] d0, int o0, long[] d1, int o1,
               int stride);

    /**
     * Quantizes {@code len} floats {@code src[off + i]} and writes the planes of their codes
     * as {@link #masks} does. The code of x is the number of terms {@code i < a.length} with
     * {@code (x - c[i]) * a[i] > h[i]} (float arithmetic, in that order; {@code >=} where bit
     * {@code i} of {@code inclusive} is set); two terms give TERNARY_UNSIGNED codes, three
     * TWO_BIT codes. A NaN gives no term.
     *
     * @return the index into {@code src} of a NaN if the range has one (its words are then
     *         unspecified), else -1
     */
    int quantizeMasks(float[] src, int off, int len, Precision precision, float[] c, float[] a, float[] h,
                      int inclusive, long[] d0, int o0, long[] d1, int o1, int stride);

    /**
     * Copies runs {@code r} in {@code [from, to)} of {@code lanes} words each, {@code step} words apart
     * in the source, words {@code [0, split)} from one base and the rest from another: word {@code l} of
     * run {@code r} from {@code src[(l < split ? s : s2) + offsets[r] + l * step]} to
     * {@code dst[d + r * lanes + l]}. im2col's copy of one column panel: its lanes are pixels of one
     * output row, or of two (the second row's from lane {@code split}), so one (tap, word, plane) of
     * the panel is such a run of the pixel planes (step 1 for stride 1, 2 for stride 2). Where the
     * vector module is present and {@code lanes} is the width of a vector it runs at full speed, a
     * vector load per base (two and a shuffle for step 2), blended, and one store per run; those
     * loads may read the words {@code (l < split ? s2 : s) + offsets[r] + l * step} too, which must
     * then be inside {@code src}.
     *
     * @throws IndexOutOfBoundsException if a word read is outside {@code src} or one written outside
     *                                   {@code dst} (nothing is checked in advance: the runs before it
     *                                   are then copied)
     */
    void copyRuns(long[] src, int s, int s2, int split, int step, int[] offsets, int from, int to, long[] dst,
                  int d, int lanes);

    /**
     * Transposes the 64 x 64 bit matrix {@code a[off .. off + 64)} in place: bit {@code j} of
     * {@code a[off + i]} goes to bit {@code i} of {@code a[off + j]}. Packing NCHW activations: 64
     * channel words of 64 pixels each become 64 pixel words of 64 channels each.
     *
     * @throws IndexOutOfBoundsException if the block is outside {@code a}
     */
    void transpose64(long[] a, int off);
}

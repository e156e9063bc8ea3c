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
}

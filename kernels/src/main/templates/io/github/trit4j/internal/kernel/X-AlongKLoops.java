// Written from kernels/src/main/templates/io/github/trit4j/internal/kernel/X-AlongKLoops.java, the
// one text of the along-K tile loops and the only file to edit for them: the build writes one
// class per kernel shape from it into target/generated-sources/kernels (kernels/pom.xml, phase
// generate-sources), filling in each name set between dollar signs with that shape's value.
package io.github.trit4j.internal.kernel;

import java.util.Arrays;

/**
 * The tile loops of {@link $Kernels$}' along-K micro-kernels: BLIS's framework around them,
 * 4 weight rows x 1 activation row per micro-tile (a tail of rows repeats the last row, which
 * is then written twice with the same value, so edges run the same micro-kernel).
 *
 * <p>Why one copy per shape, generated, rather than one method over {@link BitKernels}: the
 * micro-kernel runs once per tile, a few words of K each at batch 1, so its call should be one
 * that C2 binds statically. Here the receiver is a final class, so it is, whatever other shapes
 * the JVM runs; a single shared method would call through the interface at one call site whose
 * type profile every shape in the JVM shares (polymorphic with two shapes, megamorphic from
 * three; the tests run all four in one JVM). Most micro-kernels are larger than C2 inlines at a
 * hot call site ({@code FreqInlineSize}, 325 bytes of bytecode), so their call stays a call, a
 * direct one here; a smaller one (AVX-512's binary kernel) can now be inlined. Internal API.
 */
final class $Kernels$AlongK {

    private $Kernels$AlongK() {
    }

    /**
     * Fills the block {@code [i0, i1) x [j0, j1)} of {@code out} ({@code n} columns) with
     * {@code kernel}'s product of weight rows and activation rows along K (operands as in
     * {@link BitKernels}), applying {@code e}; row {@code i} of the output starts at
     * {@code out[(i - row0) * n]}.
     */
    static void alongK($Kernels$ kernels, Kernel kernel, long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n, int row0) {
        Scratch scratch = Scratch.acquire();
        try {
            long[] raw = scratch.longs;
            byte[] bytes = scratch.bytes;
            Kernel.Sum sum = kernel.sum();
            int shift = sum.highShift();
            int stride = sum.planes() * words; // words from one row's first plane to the next row's
            int last = i1 - 1;
            for (int j = j0; j < j1; j++) {
                int xj = j * stride;
                for (int i = i0; i < i1; i += BitKernels.ALONG_K_ROWS) {
                    int r1 = Math.min(i + 1, last);
                    int r2 = Math.min(i + 2, last);
                    int r3 = Math.min(i + 3, last);
                    Arrays.fill(raw, 0, 2 * BitKernels.ALONG_K_ROWS, 0L);
                    int w0 = i * stride;
                    int w1 = r1 * stride;
                    int w2 = r2 * stride;
                    int w3 = r3 * stride;
                    switch (sum) {
                        case THERMOMETER, TERNARY_TWO_BIT -> kernels.ternaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                        case TWO_BIT -> kernels.twoBitAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                        case BINARY -> kernels.binaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                    }
                    out[(i - row0) * n + j] = e.apply(raw[0] + (raw[4] << shift), i, j);
                    out[(r1 - row0) * n + j] = e.apply(raw[1] + (raw[5] << shift), r1, j);
                    out[(r2 - row0) * n + j] = e.apply(raw[2] + (raw[6] << shift), r2, j);
                    out[(r3 - row0) * n + j] = e.apply(raw[3] + (raw[7] << shift), r3, j);
                }
            }
        } finally {
            scratch.release();
        }
    }
}

package io.github.trit4j.testkit;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.List;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * QuickTheories generators for GEMM and convolution cases, biased toward the shapes that break
 * kernels: K of 1, K one below, at and one above every 64-bit word and every vector width up to
 * 2048 bits, K not a multiple of 64, M or N of 1 and tile edges, tall-skinny and short-wide
 * products, and every {@link ValuePattern} (all-zero, all-extreme, long runs of one code...).
 * Stateless and thread-safe.
 */
public final class Generators {

    /** K one below, at and one above each granule: 64-bit word, 128, 256, 512-bit vector, 1024, 2048. */
    public static final List<Integer> K_BOUNDARIES = List.of(1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257,
            511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049);

    private Generators() {
    }

    /**
     * K: half the time a granule boundary ({@link #K_BOUNDARIES} up to {@code maxK}), otherwise
     * uniform in {@code 1..maxK}.
     *
     * @param maxK the largest K, at least 1
     * @return the generator
     */
    public static Gen<Integer> ks(int maxK) {
        List<Integer> boundaries = K_BOUNDARIES.stream().filter(k -> k <= maxK).toList();
        return Generate.frequency(
                Pair.of(1, Generate.pick(boundaries)),
                Pair.of(1, integers().between(1, maxK)));
    }

    /**
     * A dimension in {@code 1..max}, with 1 and small tile edges (2 to 5) drawn often.
     *
     * @param max the largest value, at least 1
     * @return the generator
     */
    public static Gen<Integer> dims(int max) {
        return Generate.frequency(
                Pair.of(1, Generate.pick(List.of(1, 2, 3, 4, 5).stream().filter(d -> d <= max).toList())),
                Pair.of(3, integers().between(1, max)));
    }

    /**
     * GEMM cases of one pair: mostly independent M, N and K; one in eight tall-skinny
     * (M up to {@code maxDim}, N of 1 or 2), one in eight short-wide (the other way round);
     * any value pattern on either side.
     *
     * @param weightCodes     the weights' value set
     * @param activationCodes the activations' value set
     * @param maxDim          the largest M and N
     * @param maxK            the largest K
     * @return the generator, described by {@link GemmCase#toString()}
     */
    public static Gen<GemmCase> gemmCases(CodeSet weightCodes, CodeSet activationCodes, int maxDim, int maxK) {
        Gen<ValuePattern> patterns = Generate.enumValues(ValuePattern.class);
        Gen<Integer> thin = integers().between(1, Math.min(2, maxDim));
        Gen<int[]> square = dims(maxDim).zip(dims(maxDim), ks(maxK), (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> tall = integers().between(1, maxDim).zip(thin, ks(maxK), (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> wide = thin.zip(integers().between(1, maxDim), ks(maxK), (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> shape = Generate.frequency(Pair.of(6, square), Pair.of(1, tall), Pair.of(1, wide));
        return shape.zip(patterns, patterns, longs().all(),
                        (s, pw, px, seed) -> new GemmCase(weightCodes, activationCodes, s[0], s[1], s[2], pw, px, seed))
                .describedAs(GemmCase::toString);
    }

    /**
     * Convolution cases of one pair, drawn from 16 integers that shrink toward 0, i.e. toward
     * batch 1, one channel, a 1x1 kernel, stride 1, no padding, dilation 1 and one group: batch
     * 1..3; 1 to 4 groups or depthwise (multiplier 1 or 2); channels per group 1..9 or, one time in
     * seven, 55..74 (across a 64-bit word); kernels 1..7 per axis; strides 1..3; paddings 0..3;
     * dilations 1..2; inputs from the smallest with one output to 7 larger; either layout.
     *
     * @param weightCodes the weights' value set
     * @param inputCodes  the input's value set
     * @return the generator, described by {@link ConvCase#toString()}
     */
    public static Gen<ConvCase> convCases(CodeSet weightCodes, CodeSet inputCodes) {
        ValuePattern[] patterns = ValuePattern.values();
        return Generate.intArrays(Generate.constant(16), integers().between(0, 999)).zip(longs().all(), (a, seed) -> {
            int batch = 1 + a[0] % 3;
            int groupKind = a[1] % 4;
            int cg;
            int groups;
            int mg;
            if (groupKind == 3) { // depthwise, channel multiplier 1 or 2
                groups = 1 + a[2] % 8;
                cg = 1;
                mg = 1 + a[3] % 2;
            } else {
                groups = groupKind + 1;
                cg = a[2] < 850 ? 1 + a[2] % 9 : 55 + a[2] % 20;
                mg = a[3] < 900 ? 1 + a[3] % 5 : 6 + a[3] % 15;
            }
            int kh = 1 + a[6] % 7;
            int kw = 1 + a[7] % 7;
            int sh = 1 + a[8] % 3;
            int sw = 1 + a[9] % 3;
            int ph = a[10] % 4;
            int pw = a[11] % 4;
            int dh = 1 + a[12] % 2;
            int dw = 1 + a[13] % 2;
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph + a[4] % 8);
            int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw + a[5] % 8);
            ConvSpec spec = ConvSpec.of(cg * groups, mg * groups, kh, kw).stride(sh, sw).padding(ph, pw)
                    .dilation(dh, dw).groups(groups);
            ConvLayout layout = ConvLayout.values()[a[14] % 2];
            ValuePattern wp = patterns[a[15] % patterns.length];
            ValuePattern xp = patterns[(a[15] / patterns.length) % patterns.length];
            return new ConvCase(weightCodes, inputCodes, spec, batch, h, w, layout, wp, xp, seed);
        }).describedAs(ConvCase::toString);
    }
}

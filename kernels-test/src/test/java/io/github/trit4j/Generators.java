package io.github.trit4j;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.List;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** QuickTheories generators for packed-GEMM cases. */
final class Generators {

    /** K one below, at and one above each packing granule (64-bit word, 128, 256, 512-bit vector, 1024, 2048). */
    static final List<Integer> K_BOUNDARIES = List.of(1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257,
            511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049);

    private Generators() {
    }

    /** K: half the time a granule boundary, otherwise uniform in 1..maxK. */
    static Gen<Integer> ks(int maxK) {
        List<Integer> boundaries = K_BOUNDARIES.stream().filter(k -> k <= maxK).toList();
        return Generate.frequency(
                Pair.of(1, Generate.pick(boundaries)),
                Pair.of(1, integers().between(1, maxK)));
    }

    /** Dimensions 1..max, with 1 and tile edges (2, 3) drawn often. */
    static Gen<Integer> dims(int max) {
        return Generate.frequency(
                Pair.of(1, Generate.pick(List.of(1, 2, 3, 4, 5).stream().filter(d -> d <= max).toList())),
                Pair.of(3, integers().between(1, max)));
    }

    static Gen<GemmCase> cases(Precision w, Precision x, int maxDim, int maxK) {
        Gen<ValuePattern> patterns = Generate.enumValues(ValuePattern.class);
        Gen<int[]> shape = dims(maxDim).zip(dims(maxDim), ks(maxK), (m, n, k) -> new int[] {m, n, k});
        return shape.zip(patterns, patterns, longs().all(),
                        (s, pw, px, seed) -> new GemmCase(w, x, s[0], s[1], s[2], pw, px, seed))
                .describedAs(GemmCase::toString);
    }
}

package io.github.trit4j.bench;

/** One prepared product of the speedup study: operands packed, output allocated. */
public interface StudyProduct extends AutoCloseable {

    /** Computes the product once (the measured operation). */
    void run();

    /** What actually runs, e.g. {@code "trit4j AVX512"} or {@code "OpenBLAS Haswell"}. */
    String kernel();

    /** The last product's output as exact integers or floats widened to double, row-major M x N (tests). */
    double[] result();

    /**
     * The library's own warm-up of this product's kernels ({@link io.github.trit4j.GemmEngine#warmUp},
     * {@link io.github.trit4j.conv.Conv2d#warmUp}, {@link io.github.trit4j.nn.Network#warmUp}), what a service calls
     * before its first request; empty for a product that has none (the baselines).
     *
     * @param budget the warm-up's time budget
     * @return what it did, or empty
     */
    default java.util.Optional<io.github.trit4j.WarmUp> warmUp(java.time.Duration budget) {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {
    }
}

package io.github.trit4j.bench;

/** One prepared product of the speedup study: operands packed, output allocated. */
public interface StudyProduct extends AutoCloseable {

    /** Computes the product once (the measured operation). */
    void run();

    /** What actually runs, e.g. {@code "trit4j AVX512"} or {@code "OpenBLAS Haswell"}. */
    String kernel();

    /** The last product's output as exact integers or floats widened to double, row-major M x N (tests). */
    double[] result();

    @Override
    default void close() {
    }
}

package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import io.github.trit4j.Algorithm;
import io.github.trit4j.Precision;

/**
 * The precisions of the speedup study, each the best implementation we can honestly write or
 * call: fp32 through OpenBLAS (the anchor every speedup is relative to) and the Vector API,
 * int8 through the Vector API, and trit4j's packed products.
 */
public enum StudyPrecision {
    /** OpenBLAS {@code cblas_sgemm} through bytedeco ({@link OpenBlasSgemm}). */
    FP32_OPENBLAS("fp32 OpenBLAS", null, null, null),
    /**
     * The same OpenBLAS call, measured by {@code trit4j bench --openblas-core both} in the environment as
     * given, i.e. on the core that {@code OPENBLAS_CORETYPE} (and {@code OPENBLAS_L2_SIZE}) force, while
     * {@link #FP32_OPENBLAS}, the anchor, runs with them removed. Not in the study by default.
     */
    FP32_OPENBLAS_ENV("fp32 OpenBLAS, env-forced core", null, null, null),
    /** The register-tiled Vector API fp32 GEMM ({@link Fp32VectorGemm}). */
    FP32_VECTOR("fp32 Vector API", null, null, null),
    /** Signed int8 x int8, int32 sums, Vector API ({@link Int8VectorGemm}). */
    INT8("int8 Vector API", null, null, null),
    /** trit4j 2-bit x 2-bit unsigned codes, 4 popcounts per word. */
    TWO_BIT("2-bit x 2-bit", Precision.TWO_BIT, Precision.TWO_BIT, Algorithm.FATNN),
    /** trit4j ternary weights x {0,1,2} activations, conventional 2-bit-code product (4 popcounts). */
    TERNARY_CONVENTIONAL("ternary conventional", Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.CONVENTIONAL),
    /** trit4j ternary weights x {0,1,2} activations, FATNN's product (2 popcounts). */
    TERNARY_FATNN("ternary FATNN", Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.FATNN),
    /** trit4j ternary weights x 2-bit activations (2 popcounts). */
    TERNARY_TWO_BIT("ternary x 2-bit", Precision.TERNARY, Precision.TWO_BIT, Algorithm.FATNN),
    /** trit4j binary x binary, 1 popcount. */
    BINARY("binary", Precision.BINARY, Precision.BINARY, Algorithm.FATNN);

    /** Human name for tables and charts. */
    public final String label;
    /** trit4j weights' precision, or null for a baseline. */
    public final Precision weights;
    /** trit4j activations' precision, or null for a baseline. */
    public final Precision activations;
    /** trit4j algorithm, or null for a baseline. */
    public final Algorithm algorithm;

    StudyPrecision(String label, Precision weights, Precision activations, Algorithm algorithm) {
        this.label = label;
        this.weights = weights;
        this.activations = activations;
        this.algorithm = algorithm;
    }

    /** Whether this is an OpenBLAS measurement ({@link #FP32_OPENBLAS} or {@link #FP32_OPENBLAS_ENV}). */
    public boolean isOpenBlas() {
        return this == FP32_OPENBLAS || this == FP32_OPENBLAS_ENV;
    }

    /** Whether this is one of trit4j's packed products (and so depends on the kernel shape). */
    public boolean isTrit4j() {
        return weights != null;
    }
}

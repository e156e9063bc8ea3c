package io.github.trit4j.tools;

/**
 * Which OpenBLAS core the fp32 anchor runs on. OpenBLAS picks its kernels and cache blocking for
 * the CPU at load time unless {@code OPENBLAS_CORETYPE} / {@code OPENBLAS_L2_SIZE} are set in the
 * environment (some machines set them, e.g. to force Haswell kernels everywhere). A JVM cannot
 * change its own environment, so trit4j measures OpenBLAS in a child JVM started with those
 * variables removed.
 */
public enum OpenBlasCore {
    /**
     * The anchor (FP32_OPENBLAS) on the CPU's own core: with the forcing variables removed (in a child
     * JVM, only when some are set). The default.
     */
    NATIVE,
    /** The anchor in the environment as given (the forced core, if any). */
    ENV,
    /** Both: the anchor on the CPU's own core, and FP32_OPENBLAS_ENV on the forced core (when one is forced). */
    BOTH
}

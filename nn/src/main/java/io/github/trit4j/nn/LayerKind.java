package io.github.trit4j.nn;

/** What a stretch of a network's time was spent on, for {@link LayerTimes}. */
public enum LayerKind {
    /** Per-channel input normalisation. */
    NORMALIZE,
    /** Full-precision convolution (im2col + float GEMM), with its folded BatchNorm and fused ReLU. */
    FLOAT_CONV,
    /** Quantized convolution (quantize + pack + packed GEMM), with its float epilogue. */
    QUANTIZED_CONV,
    /** A ReLU not fused into a convolution. */
    RELU,
    /** Max and average pooling. */
    POOL,
    /** Global average pooling. */
    GLOBAL_POOL,
    /** Flatten (a copy). */
    FLATTEN,
    /** The fully connected layer. */
    LINEAR,
    /** A residual block's shortcut addition and ReLU. */
    RESIDUAL_ADD
}

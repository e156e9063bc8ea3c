/**
 * Packed low-bit matrix products: {@link io.github.trit4j.PackedMatrix} holds ternary, 2-bit or
 * binary codes as bit-planes, {@link io.github.trit4j.GemmEngine} multiplies them with the
 * kernels of one {@link io.github.trit4j.Isa} (exact integer results), and
 * {@link io.github.trit4j.Gemm} is the engine dispatched for this JVM.
 *
 * <p>Sizes, one scheme throughout (docs/DESIGN.md, <i>Sizes</i>). A matrix-shaped value says
 * {@code rows()} and {@code cols()}, and the parameters that give such a size say {@code rows}
 * and {@code cols}: {@link io.github.trit4j.PackedMatrix} (weights one row per output channel,
 * activations one row per output column, {@code cols} the reduction length K),
 * {@link io.github.trit4j.quant.QuantizedWeights} (one row per output channel) and
 * {@link io.github.trit4j.layers.PackedWeights} (sgemm's {@code k x n} operand B: rows = k,
 * cols = n). A layer says what it maps in PyTorch's words: {@code TernaryLinear}'s
 * {@code inFeatures} / {@code outFeatures}, {@code Conv2dSpec}'s {@code inChannels} /
 * {@code outChannels}, and {@code batch}, {@code height}, {@code width} for its input. The
 * cblas-style {@code TernaryBlas.sgemm} keeps cblas's {@code m, n, k}. The documentation
 * writes a product as M weight rows times N activation rows over K; a one-dimensional range of
 * an array is {@code offset} and {@code length}, as in the JDK.
 *
 * <p>Bad input is an {@link java.lang.IllegalArgumentException} naming the parameter. Each
 * class states its thread safety; values and engines are immutable. Layers keep their per-call
 * buffers in a {@link io.github.trit4j.WorkspacePool}, which a layer library built on trit4j can
 * use as well (virtual threads included).
 */
package io.github.trit4j;

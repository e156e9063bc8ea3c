/**
 * Packed low-bit matrix products: {@link io.github.trit4j.PackedMatrix} holds ternary, 2-bit or
 * binary codes as bit-planes, {@link io.github.trit4j.GemmEngine} multiplies them with the
 * kernels of one {@link io.github.trit4j.Isa} (exact integer results), and
 * {@link io.github.trit4j.Gemm} is the engine dispatched for this JVM.
 *
 * <p>Sizes, one convention throughout: a product multiplies M weight rows by N activation rows
 * over a reduction length K. A {@link io.github.trit4j.PackedMatrix} has {@code rows} (M or N)
 * and {@code cols} (K); {@code TernaryBlas} and {@code PackedWeights} use BLAS's {@code m, n, k}
 * (sgemm's {@code m} counts activation rows, our N, and its {@code n} output channels, our M);
 * {@code TernaryLinear}'s {@code outFeatures} / {@code inFeatures} are M and
 * K; a convolution's output channels are M and its patch length K; {@code QuantizedWeights}'
 * {@code channels} / {@code perChannel} are M and K. Bad input is an
 * {@link java.lang.IllegalArgumentException} naming the parameter. Each class states its
 * thread safety; values and engines are immutable.
 */
package io.github.trit4j;

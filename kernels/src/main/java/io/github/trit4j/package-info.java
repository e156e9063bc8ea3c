/**
 * Packed low-bit matrix products: {@link io.github.trit4j.PackedMatrix} holds ternary, 2-bit or
 * binary codes as bit-planes, {@link io.github.trit4j.GemmEngine} multiplies them with the
 * kernels of one {@link io.github.trit4j.Isa} (exact integer results), and
 * {@link io.github.trit4j.Gemm} is the engine dispatched for this JVM.
 *
 * <p>Sizes follow BLAS: a product multiplies N activation rows by M weight rows over K codes;
 * a matrix has {@code rows} and {@code cols} (= K). Bad input is an
 * {@link java.lang.IllegalArgumentException} naming the parameter. Each class states its
 * thread safety; values and engines are immutable.
 */
package io.github.trit4j;

/**
 * trit4j kernels: packed ternary, 2-bit and binary GEMM for the JVM.
 *
 * <p>The vector module is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library runs its scalar kernels.
 */
module io.github.trit4j.kernels {
    requires static jdk.incubator.vector;
    exports io.github.trit4j;
    exports io.github.trit4j.quant;
    exports io.github.trit4j.conv;
    exports io.github.trit4j.layers;
}

/**
 * trit4j nn: CNN inference on trit4j's quantized convolutions. A network runtime
 * ({@link io.github.trit4j.nn.Network}), its model file ({@link io.github.trit4j.nn.ModelFile}:
 * safetensors with the architecture as JSON in its metadata, see docs/MODEL_FORMAT.md), a
 * ResNet builder ({@link io.github.trit4j.nn.ResNets}) and the float GEMM of the full-precision
 * layers ({@link io.github.trit4j.nn.gemm.FloatGemm}).
 *
 * <p>The vector module is optional ({@code requires static}): without it the float layers run a
 * scalar GEMM and the quantized ones trit4j's scalar kernels.
 */
module io.github.trit4j.nn {
    requires transitive io.github.trit4j.kernels;
    requires com.fasterxml.jackson.databind;
    requires java.management;
    requires static jdk.incubator.vector;
    exports io.github.trit4j.nn;
    exports io.github.trit4j.nn.gemm;
}

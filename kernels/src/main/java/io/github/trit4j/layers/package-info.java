/**
 * Float-in, float-out layers over the packed kernels, for code that has float tensors:
 * {@link io.github.trit4j.layers.TernaryLinear}, {@link io.github.trit4j.layers.TernaryConv2d},
 * and an sgemm-shaped entry, {@link io.github.trit4j.layers.TernaryBlas} with
 * {@link io.github.trit4j.layers.PackedWeights}. Each quantizes its weights once, at
 * construction, and its activations per call; {@code TernaryConv2d.of} makes a convolution layer
 * from codes quantized elsewhere (trit4j-nn's quantized convolutions are such layers).
 */
package io.github.trit4j.layers;

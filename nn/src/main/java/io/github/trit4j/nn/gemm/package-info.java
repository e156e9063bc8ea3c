/**
 * Single-precision GEMM for the network's full-precision layers (the stem convolution, the
 * classifier, and every convolution of an all-float network): the {@link
 * io.github.trit4j.nn.gemm.FloatGemm} interface, the register-tiled Vector API kernel {@link
 * io.github.trit4j.nn.gemm.Fp32VectorGemm} (the default) and a scalar fallback for JVMs
 * without {@code jdk.incubator.vector}.
 */
package io.github.trit4j.nn.gemm;

/**
 * trit4j-testkit: the property suite trit4j checks its own kernels with, as a kit that checks
 * anyone's ternary, 2-bit or binary GEMM and convolution.
 *
 * <p>An implementation under test provides {@link io.github.trit4j.testkit.TernaryGemm} (or
 * {@link io.github.trit4j.testkit.TernaryConv}): codes as one byte per value, row-major, the
 * integer products as {@code int[]}. A JUnit 5 test class extends
 * {@link io.github.trit4j.testkit.TernaryGemmProperties} (or
 * {@link io.github.trit4j.testkit.TernaryConvProperties}) and returns the implementation; every
 * property then runs against it, compared bit for bit with the naive oracles
 * {@link io.github.trit4j.testkit.NaiveGemm} and {@link io.github.trit4j.testkit.NaiveConv}.
 *
 * <p>Randomized properties draw from one master seed per JVM, printed in every failure and set
 * with {@code -Dtrit4j.testkit.seed=...}; each property stops after its example count or its
 * time budget ({@link io.github.trit4j.testkit.KitSettings}), whichever comes first. A failure
 * message carries the shrunk counterexample: shapes, codes, expected and actual products and the
 * first differing index.
 */
package io.github.trit4j.testkit;

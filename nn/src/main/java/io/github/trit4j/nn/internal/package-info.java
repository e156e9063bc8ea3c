/**
 * Internal API of trit4j nn, shared between its packages and not exported: the float GEMM's
 * window product ({@link io.github.trit4j.nn.internal.WindowProduct}), through which a float
 * convolution reads its patches in place.
 */
package io.github.trit4j.nn.internal;

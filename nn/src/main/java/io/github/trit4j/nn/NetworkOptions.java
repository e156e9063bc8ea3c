package io.github.trit4j.nn;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.nn.gemm.FloatGemm;

import java.util.Objects;

/**
 * How a network runs: the trit4j engine of its quantized convolutions (kernel shape and
 * threads) and the float GEMM of its full-precision layers, which uses the engine's thread
 * count too. Immutable.
 *
 * @param engine    the engine of the quantized convolutions; its {@link GemmEngine#threads()} also
 *                  bounds the float GEMM's threads
 * @param floatGemm the float GEMM (default: the one the engine's kernel shape calls for, see
 *                  {@link #of(GemmEngine)})
 */
public record NetworkOptions(GemmEngine engine, FloatGemm floatGemm) {

    /** Checks for nulls. */
    public NetworkOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(floatGemm, "floatGemm");
    }

    /**
     * {@link #of(GemmEngine)} with the dispatched engine ({@link Gemm#engine()}).
     *
     * @return the options
     */
    public static NetworkOptions defaults() {
        return of(Gemm.engine());
    }

    /**
     * {@code engine} and the float GEMM of its kernel shape: {@link FloatGemm#scalar()} for
     * {@link io.github.trit4j.Isa#SCALAR} (or without the vector module), else
     * {@link FloatGemm#javaDefault()}. The network's max pooling follows the engine's shape too,
     * so a network on {@code GemmEngine.of(Isa.SCALAR)} runs no Vector API code.
     *
     * @param engine the engine of the quantized convolutions
     * @return the options
     */
    public static NetworkOptions of(GemmEngine engine) {
        Objects.requireNonNull(engine, "engine");
        return new NetworkOptions(engine, NnKernels.of(engine.isa()).floatGemm());
    }

    /**
     * The same with the engine on {@code threads} threads.
     *
     * @param threads threads of each product, at least 1
     * @return the options
     */
    public NetworkOptions withThreads(int threads) {
        return new NetworkOptions(engine.withThreads(threads), floatGemm);
    }

    /**
     * The same with another float GEMM.
     *
     * @param gemm the float GEMM
     * @return the options
     */
    public NetworkOptions withFloatGemm(FloatGemm gemm) {
        return new NetworkOptions(engine, gemm);
    }

    /**
     * Threads of each product.
     *
     * @return threads of each product
     */
    public int threads() {
        return engine.threads();
    }
}

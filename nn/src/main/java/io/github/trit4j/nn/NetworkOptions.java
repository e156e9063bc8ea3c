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
 * @param floatGemm the float GEMM (default {@link FloatGemm#javaDefault()})
 */
public record NetworkOptions(GemmEngine engine, FloatGemm floatGemm) {

    /** Checks for nulls. */
    public NetworkOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(floatGemm, "floatGemm");
    }

    /** {@return the dispatched engine ({@link Gemm#engine()}) and {@link FloatGemm#javaDefault()}} */
    public static NetworkOptions defaults() {
        return new NetworkOptions(Gemm.engine(), FloatGemm.javaDefault());
    }

    /**
     * {@return the same with the engine on {@code threads} threads}
     *
     * @param threads threads per product, at least 1
     */
    public NetworkOptions withThreads(int threads) {
        return new NetworkOptions(engine.withThreads(threads), floatGemm);
    }

    /**
     * {@return the same with another float GEMM}
     *
     * @param gemm the float GEMM of the float layers
     */
    public NetworkOptions withFloatGemm(FloatGemm gemm) {
        return new NetworkOptions(engine, gemm);
    }

    /** {@return threads of each product} */
    public int threads() {
        return engine.threads();
    }
}

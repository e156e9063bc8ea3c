package io.github.trit4j.layers;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;

import java.util.Objects;

/**
 * The B operand of {@link TernaryBlas#sgemm}: a float {@code K x N} weight matrix quantized
 * (one output channel per column) and packed once, together with the activation quantizer
 * that A will go through and the engine that runs the product.
 *
 * <p>Immutable and thread-safe.
 */
public final class PackedWeights {

    private final int k;
    private final int n;
    private final QuantizedWeights weights;
    private final PackedMatrix packed;
    private final ActivationQuantizer activations;
    private final float[] combined;
    private final GemmEngine engine;

    private PackedWeights(int k, int n, QuantizedWeights weights, ActivationQuantizer activations,
                          GemmEngine engine) {
        this.k = k;
        this.n = n;
        this.weights = weights;
        this.packed = PackedMatrix.pack(weights.precision(), weights.codes(), n, k);
        this.activations = activations;
        this.engine = engine;
        this.combined = new OutputScaling(weights, activations, null, false).combined;
    }

    /**
     * {@link #pack(float[], int, int, int, int, WeightQuantizer, ActivationQuantizer, GemmEngine)} on the dispatched engine.
     *
     * @param b                   the floats of B
     * @param offset              index of element (0, 0)
     * @param k                   K, rows of B, at least 1
     * @param n                   N, columns of B (output channels), at least 1
     * @param ldb                 leading dimension, {@code >= n}
     * @param weightQuantizer     a ternary weight quantizer (per column)
     * @param activationQuantizer the quantizer A will go through
     * @return the packed weights
     * @throws IllegalArgumentException as the full overload
     */
    public static PackedWeights pack(float[] b, int offset, int k, int n, int ldb, WeightQuantizer weightQuantizer,
                                     ActivationQuantizer activationQuantizer) {
        return pack(b, offset, k, n, ldb, weightQuantizer, activationQuantizer, Gemm.engine());
    }

    /**
     * Quantizes and packs a row-major float {@code K x N} matrix B, as sgemm's B with no
     * transpose: element {@code (kk, j)} is {@code b[offset + kk * ldb + j]}; column {@code j}
     * is output channel {@code j} (its own scale).
     *
     * @param b                   the floats of B
     * @param offset              index of element (0, 0)
     * @param k                   K, rows of B, at least 1
     * @param n                   N, columns of B (output channels), at least 1
     * @param ldb                 leading dimension, {@code >= n}
     * @param weightQuantizer     a ternary weight quantizer (per column)
     * @param activationQuantizer the quantizer A will go through
     * @param engine              the engine that packs A and runs the products
     * @return the packed weights
     * @throws IllegalArgumentException for bad dimensions, {@code ldb < n}, a too short array
     *                                  (naming them), a NaN (naming its index in {@code b}), or a
     *                                  non-ternary weight quantizer
     */
    public static PackedWeights pack(float[] b, int offset, int k, int n, int ldb, WeightQuantizer weightQuantizer,
                                     ActivationQuantizer activationQuantizer, GemmEngine engine) {
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(weightQuantizer, "weightQuantizer");
        Objects.requireNonNull(activationQuantizer, "activationQuantizer");
        Objects.requireNonNull(engine, "engine");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        if (ldb < n) {
            throw new IllegalArgumentException("ldb = " + ldb + " must be >= n = " + n);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        long end = offset + (long) (k - 1) * ldb + n;
        if (end > b.length) {
            throw new IllegalArgumentException("b.length is " + b.length + " but offset + (k - 1) * ldb + n = " + end);
        }
        if (weightQuantizer.precision() != Precision.TERNARY) {
            throw new IllegalArgumentException("weightQuantizer must give TERNARY codes, gives "
                    + weightQuantizer.precision());
        }
        float[] channelMajor = new float[Math.multiplyExact(k, n)];
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < n; j++) {
                int idx = offset + kk * ldb + j;
                float v = b[idx];
                if (v != v) {
                    throw new IllegalArgumentException("b[" + idx + "] is NaN");
                }
                channelMajor[j * k + kk] = v;
            }
        }
        return new PackedWeights(k, n, weightQuantizer.quantize(channelMajor, n), activationQuantizer, engine);
    }

    /**
     * K, the reduction length.
     *
     * @return K
     */
    public int k() {
        return k;
    }

    /**
     * N, the number of output channels (columns of B).
     *
     * @return N
     */
    public int n() {
        return n;
    }

    /**
     * The codes (channel j = column j) and per-column scales.
     *
     * @return the quantized weights
     */
    public QuantizedWeights quantizedWeights() {
        return weights;
    }

    /**
     * The quantizer sgemm applies to A.
     *
     * @return the activation quantizer
     */
    public ActivationQuantizer activationQuantizer() {
        return activations;
    }

    /**
     * The engine that packs A and runs the products.
     *
     * @return the engine
     */
    public GemmEngine engine() {
        return engine;
    }

    PackedMatrix packed() {
        return packed;
    }

    float combinedScale(int j) {
        return combined[j];
    }
}

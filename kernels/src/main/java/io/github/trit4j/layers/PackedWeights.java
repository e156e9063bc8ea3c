package io.github.trit4j.layers;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.internal.kernel.ActivationPacking;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;

import java.util.Objects;

/**
 * The B operand of {@link TernaryBlas#sgemm}: a float {@code K x N} weight matrix quantized
 * (one output channel per column) and packed once, together with the activation quantizer
 * that A will go through and the engine that runs the product. As every matrix-shaped value,
 * it gives its size as {@link #rows()} (= sgemm's {@code k}) and {@link #cols()} (= sgemm's
 * {@code n}); its {@link #quantizedWeights()} hold B transposed, one row per column of B.
 *
 * <p>Immutable and thread-safe.
 */
public final class PackedWeights {

    private final int rows;
    private final int cols;
    private final QuantizedWeights weights;
    private final PackedMatrix packed;
    private final ActivationQuantizer activations;
    private final float[] combined;
    private final GemmEngine engine;

    private PackedWeights(int rows, int cols, QuantizedWeights weights, ActivationQuantizer activations,
                          GemmEngine engine) {
        this.rows = rows;
        this.cols = cols;
        this.weights = weights;
        this.packed = PackedMatrix.pack(weights.precision(), weights.codes(), cols, rows);
        this.activations = activations;
        this.engine = engine;
        this.combined = OutputScaling.combined(weights, activations);
    }

    /**
     * {@link #pack(float[], int, int, int, int, WeightQuantizer, ActivationQuantizer, GemmEngine)} on the dispatched engine.
     *
     * @param b                   the floats of B
     * @param offset              index of element (0, 0)
     * @param rows                K, rows of B (sgemm's {@code k}), at least 1
     * @param cols                N, columns of B (output channels, sgemm's {@code n}), at least 1
     * @param ldb                 leading dimension, {@code >= cols}
     * @param weightQuantizer     a ternary weight quantizer (per column)
     * @param activationQuantizer the quantizer A will go through
     * @return the packed weights
     * @throws IllegalArgumentException as the full overload
     */
    public static PackedWeights pack(float[] b, int offset, int rows, int cols, int ldb,
                                     WeightQuantizer weightQuantizer, ActivationQuantizer activationQuantizer) {
        return pack(b, offset, rows, cols, ldb, weightQuantizer, activationQuantizer, Gemm.engine());
    }

    /**
     * Quantizes and packs a row-major float {@code K x N} matrix B ({@code rows x cols}), as
     * sgemm's B with no transpose: element {@code (kk, j)} is {@code b[offset + kk * ldb + j]};
     * column {@code j} is output channel {@code j} (its own scale).
     *
     * @param b                   the floats of B
     * @param offset              index of element (0, 0)
     * @param rows                K, rows of B (sgemm's {@code k}), at least 1
     * @param cols                N, columns of B (output channels, sgemm's {@code n}), at least 1
     * @param ldb                 leading dimension, {@code >= cols}
     * @param weightQuantizer     a ternary weight quantizer (per column)
     * @param activationQuantizer the quantizer A will go through
     * @param engine              the engine that packs A and runs the products
     * @return the packed weights
     * @throws IllegalArgumentException for bad dimensions, {@code ldb < cols}, a too short array
     *                                  (naming them), a NaN (naming its index in {@code b}), or a
     *                                  non-ternary weight quantizer
     */
    public static PackedWeights pack(float[] b, int offset, int rows, int cols, int ldb,
                                     WeightQuantizer weightQuantizer, ActivationQuantizer activationQuantizer,
                                     GemmEngine engine) {
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(weightQuantizer, "weightQuantizer");
        Objects.requireNonNull(activationQuantizer, "activationQuantizer");
        Objects.requireNonNull(engine, "engine");
        ActivationPacking.checkRowMajor("b", b.length, offset, rows, cols, ldb, "ldb");
        if (weightQuantizer.precision() != Precision.TERNARY) {
            throw new IllegalArgumentException("weightQuantizer must give TERNARY codes, gives "
                    + weightQuantizer.precision());
        }
        float[] channelMajor = new float[Math.multiplyExact(rows, cols)];
        for (int kk = 0; kk < rows; kk++) {
            for (int j = 0; j < cols; j++) {
                int idx = offset + kk * ldb + j;
                float v = b[idx];
                if (v != v) {
                    throw new IllegalArgumentException("b[" + idx + "] is NaN");
                }
                channelMajor[j * rows + kk] = v;
            }
        }
        return new PackedWeights(rows, cols, weightQuantizer.quantize(channelMajor, cols), activationQuantizer,
                engine);
    }

    /**
     * Rows of B: K, the reduction length (sgemm's {@code k}).
     *
     * @return K
     */
    public int rows() {
        return rows;
    }

    /**
     * Columns of B: N, the number of output channels (sgemm's {@code n}).
     *
     * @return N
     */
    public int cols() {
        return cols;
    }

    /**
     * The codes and per-column scales, B transposed: row {@code j} of the quantized weights is
     * column {@code j} of B (output channel {@code j}), so they are {@code cols() x rows()}.
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

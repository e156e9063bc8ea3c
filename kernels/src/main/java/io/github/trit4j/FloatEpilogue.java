package io.github.trit4j;

import java.util.Objects;

/**
 * What a fused product does to each exact integer result {@code acc} of output row {@code i}
 * (an output channel) before storing it as a float: a folded BatchNorm (or any per-row affine
 * map), then a residual, then a ReLU, in float32 and in exactly this order:
 * <pre>
 * v = (float) acc * scale[i] + bias[i];    // a product, then a sum: two roundings, never one FMA
 * v = v + residual;                         // when the call gives a residual
 * v = Math.max(v, 0f);                      // when relu()
 * </pre>
 * This is the order docs/MODEL_FORMAT.md states for a quantized conv ({@code acc * c[o] + shift[o]})
 * and a basic block ({@code relu(y + sc)}), so a fused product gives bit for bit what the unfused
 * layers give. {@link #apply(int, int)} and {@link #apply(int, int, float)} are that definition,
 * one output at a time; {@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm,
 * FloatEpilogue, float[], float[])} and {@code Conv2d}'s fused {@code forward} apply it on output
 * tiles while they are in cache, without an int array of the whole output.
 *
 * <p>Instances are immutable (the arrays are copied) and thread-safe.
 */
public final class FloatEpilogue {

    private final float[] scale;
    private final float[] bias;
    private final boolean relu;

    private FloatEpilogue(float[] scale, float[] bias, boolean relu) {
        this.scale = scale;
        this.bias = bias;
        this.relu = relu;
    }

    /**
     * An epilogue of {@code scale.length} rows.
     *
     * @param scale the multiplier of each row's integer result, finite; copied
     * @param bias  the addend of each row, finite, as many as {@code scale}; copied
     * @param relu  whether {@code max(v, 0)} ends it
     * @return the epilogue
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if the lengths differ or are 0, or a value is not finite
     *                                  (naming its array and index)
     */
    public static FloatEpilogue of(float[] scale, float[] bias, boolean relu) {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(bias, "bias");
        if (scale.length == 0 || scale.length != bias.length) {
            throw new IllegalArgumentException("scale.length is " + scale.length + " and bias.length " + bias.length
                    + ": they must be equal and at least 1");
        }
        for (int i = 0; i < scale.length; i++) {
            if (!Float.isFinite(scale[i])) {
                throw new IllegalArgumentException("scale[" + i + "] = " + scale[i] + " is not finite");
            }
            if (!Float.isFinite(bias[i])) {
                throw new IllegalArgumentException("bias[" + i + "] = " + bias[i] + " is not finite");
            }
        }
        return new FloatEpilogue(scale.clone(), bias.clone(), relu);
    }

    /**
     * Rows (output channels) this epilogue has a scale and bias for.
     *
     * @return the row count, at least 1
     */
    public int rows() {
        return scale.length;
    }

    /**
     * Whether it ends with {@code max(v, 0)}.
     *
     * @return whether a ReLU is fused
     */
    public boolean relu() {
        return relu;
    }

    /**
     * The output of row {@code row} for the integer result {@code acc}, without a residual.
     *
     * @param row the row, in {@code [0, rows())}
     * @param acc the exact integer result
     * @return {@code (float) acc * scale[row] + bias[row]}, then {@code max(., 0)} when {@link #relu()}
     * @throws ArrayIndexOutOfBoundsException if {@code row} is outside {@code [0, rows())}
     */
    public float apply(int row, int acc) {
        float v = (float) acc * scale[row] + bias[row];
        return relu ? Math.max(v, 0f) : v;
    }

    /**
     * The output of row {@code row} for the integer result {@code acc} with a residual.
     *
     * @param row      the row, in {@code [0, rows())}
     * @param acc      the exact integer result
     * @param residual the value added after the affine map, before the ReLU
     * @return {@code ((float) acc * scale[row] + bias[row]) + residual}, then {@code max(., 0)} when
     *         {@link #relu()}
     * @throws ArrayIndexOutOfBoundsException if {@code row} is outside {@code [0, rows())}
     */
    public float apply(int row, int acc, float residual) {
        float v = (float) acc * scale[row] + bias[row];
        v = v + residual;
        return relu ? Math.max(v, 0f) : v;
    }

    /**
     * Applies the epilogue to rows {@code [i0, i1)} x columns {@code [j0, j1)} of a row-major output
     * with {@code n} columns: {@code out[(i - outRow0) * n + j]} from {@code acc[(i - accRow0) * n + j]} and
     * {@code residual[i * n + j]} (none if null). The loop the fused products run, the same
     * arithmetic as {@link #apply(int, int, float)}.
     */
    void applyRows(int[] acc, int accRow0, int i0, int i1, int j0, int j1, int n, float[] residual,
                   float[] out, int outRow0) {
        for (int i = i0; i < i1; i++) {
            float s = scale[i];
            float b = bias[i];
            int a = (i - accRow0) * n - (i - outRow0) * n; // acc index = out index + a
            int r = i * n - (i - outRow0) * n;            // residual index = out index + r
            int from = (i - outRow0) * n + j0;
            int to = (i - outRow0) * n + j1;
            if (residual == null) {
                if (relu) {
                    for (int o = from; o < to; o++) {
                        out[o] = Math.max((float) acc[o + a] * s + b, 0f);
                    }
                } else {
                    for (int o = from; o < to; o++) {
                        out[o] = (float) acc[o + a] * s + b;
                    }
                }
            } else if (r != 0) { // into a tile of its own (a consumer's): the residual at other indices
                for (int o = from; o < to; o++) {
                    float v = (float) acc[o + a] * s + b;
                    v = v + residual[o + r];
                    out[o] = relu ? Math.max(v, 0f) : v;
                }
            } else if (relu) {
                for (int o = from; o < to; o++) {
                    float v = (float) acc[o + a] * s + b;
                    out[o] = Math.max(v + residual[o], 0f);
                }
            } else {
                for (int o = from; o < to; o++) {
                    float v = (float) acc[o + a] * s + b;
                    out[o] = v + residual[o];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FloatEpilogue[" + scale.length + " rows" + (relu ? ", relu" : "") + "]";
    }
}

package io.github.trit4j.layers;

import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;

/**
 * The float epilogue shared by the layers: {@code y = (float) acc * c[o] + bias[o]}, then
 * {@code max(y, 0)} if ReLU is fused, with {@code c[o] = scaleW[o] * scaleX} rounded to float
 * once at construction. Immutable.
 */
final class OutputScaling {

    final float[] combined;
    final float[] bias;
    final boolean relu;

    OutputScaling(QuantizedWeights qw, ActivationQuantizer aq, float[] bias, boolean relu) {
        int channels = qw.rows(); // one row per output channel
        combined = new float[channels];
        for (int o = 0; o < channels; o++) {
            float c = qw.scale(o) * aq.scale();
            if (!Float.isFinite(c) || !(c > 0)) {
                throw new IllegalArgumentException("scale of channel " + o + " (" + qw.scale(o)
                        + ") times the activation scale (" + aq.scale() + ") = " + c + " is not a finite positive float");
            }
            combined[o] = c;
        }
        if (bias != null) {
            if (bias.length != channels) {
                throw new IllegalArgumentException("bias.length is " + bias.length + " but there are " + channels
                        + " output channels");
            }
            for (int o = 0; o < channels; o++) {
                if (!Float.isFinite(bias[o])) {
                    throw new IllegalArgumentException("bias[" + o + "] is not finite: " + bias[o]);
                }
            }
            this.bias = bias.clone();
        } else {
            this.bias = new float[channels];
        }
        this.relu = relu;
    }

    /** {@code out[outOff + i] = apply(acc[accOff + i], o)} for {@code i < len}: one channel's run. */
    void apply(int[] acc, int accOff, float[] out, int outOff, int len, int o) {
        float c = combined[o];
        float b = bias[o];
        if (relu) {
            for (int i = 0; i < len; i++) {
                out[outOff + i] = Math.max((float) acc[accOff + i] * c + b, 0f);
            }
        } else {
            for (int i = 0; i < len; i++) {
                out[outOff + i] = (float) acc[accOff + i] * c + b;
            }
        }
    }

    /** {@code out[outOff + o] = apply(acc[accOff + o], o)} for channels {@code o < len}: one NHWC pixel. */
    void applyChannels(int[] acc, int accOff, float[] out, int outOff, int len) {
        float[] c = combined;
        float[] b = bias;
        if (relu) {
            for (int o = 0; o < len; o++) {
                out[outOff + o] = Math.max((float) acc[accOff + o] * c[o] + b[o], 0f);
            }
        } else {
            for (int o = 0; o < len; o++) {
                out[outOff + o] = (float) acc[accOff + o] * c[o] + b[o];
            }
        }
    }

    float apply(int acc, int o) {
        float y = (float) acc * combined[o] + bias[o];
        return relu ? Math.max(y, 0f) : y;
    }
}

package io.github.trit4j.layers;

import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;

/**
 * The rescale of the float layers, checked and rounded once: {@code c[o] = scaleW[o] * scaleX}
 * in float, and the {@link FloatEpilogue} {@code y = (float) acc * c[o] + bias[o]}, then
 * {@code max(y, 0)} if ReLU is fused, that the layers run.
 */
final class OutputScaling {

    private OutputScaling() {
    }

    /**
     * {@code c[o] = scaleW[o] * scaleX} for each output channel (row of {@code qw}).
     *
     * @throws IllegalArgumentException naming the channel if a product is not a finite positive float
     */
    static float[] combined(QuantizedWeights qw, ActivationQuantizer aq) {
        int channels = qw.rows(); // one row per output channel
        float[] combined = new float[channels];
        for (int o = 0; o < channels; o++) {
            float c = qw.scale(o) * aq.scale();
            if (!Float.isFinite(c) || !(c > 0)) {
                throw new IllegalArgumentException("scale of channel " + o + " (" + qw.scale(o)
                        + ") times the activation scale (" + aq.scale() + ") = " + c + " is not a finite positive float");
            }
            combined[o] = c;
        }
        return combined;
    }

    /**
     * The epilogue {@code relu?((float) acc * c[o] + bias[o])}, bias zero when null.
     *
     * @throws IllegalArgumentException as {@link #combined}, for a wrong bias length, or a non-finite
     *                                  bias (naming its index)
     */
    static FloatEpilogue epilogue(QuantizedWeights qw, ActivationQuantizer aq, float[] bias, boolean relu) {
        float[] combined = combined(qw, aq);
        int channels = combined.length;
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
        }
        return FloatEpilogue.of(combined, bias != null ? bias : new float[channels], relu);
    }
}

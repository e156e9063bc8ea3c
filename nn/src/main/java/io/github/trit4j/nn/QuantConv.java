package io.github.trit4j.nn;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * Quantized convolution: trit4j's {@link Conv2d} quantizes the float input with the conv's
 * own quantizer, packs and convolves (exact int32), then {@code y = (float) acc * c[o] + shift[o]}
 * in float32, and {@code max(y, 0)} when a ReLU is fused.
 */
final class QuantConv extends ConvUnit<int[]> {
    final Conv2d conv;
    final ActivationQuantizer quantizer;
    final float[] c;
    final float[] shift;

    QuantConv(String name, Conv2d conv, Shape in, ActivationQuantizer quantizer, float[] c, float[] shift,
              boolean relu) {
        super(name, conv.spec(), in, relu);
        this.conv = conv;
        this.quantizer = quantizer;
        this.c = c;
        this.shift = shift;
    }

    @Override
    LayerKind kind() {
        return LayerKind.QUANTIZED_CONV;
    }

    @Override
    int[] scratch(int batch) {
        return new int[batch * out.size()];
    }

    @Override
    void forward(float[] x, int batch, float[] y, int[] acc) {
        conv.forward(x, quantizer, batch, in.h(), in.w(), Layout.NCHW, acc);
        int pixels = out.h() * out.w();
        int m = spec.outChannels();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < m; o++) {
                float co = c[o];
                float so = shift[o];
                int base = (n * m + o) * pixels;
                if (relu) {
                    for (int i = base; i < base + pixels; i++) {
                        y[i] = Math.max((float) acc[i] * co + so, 0f);
                    }
                } else {
                    for (int i = base; i < base + pixels; i++) {
                        y[i] = (float) acc[i] * co + so;
                    }
                }
            }
        }
    }

    @Override
    String describe() {
        return super.describe() + " [" + conv.weightPrecision() + " x " + conv.activationPrecision() + ", "
                + quantizer + "]";
    }
}

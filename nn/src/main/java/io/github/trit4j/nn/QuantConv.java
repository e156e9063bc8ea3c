package io.github.trit4j.nn;

import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * Quantized convolution: the public {@link TernaryConv2d} over the model's codes
 * ({@link TernaryConv2d#of}): it quantizes the float input with the conv's own quantizer, packs and
 * convolves (exact int32), then {@code y = (float) acc * c[o] + shift[o]} in float32, and
 * {@code max(y, 0)} when a ReLU is fused; in a basic block's second conv also the residual,
 * {@code max(y + sc, 0)}. All of it in one call ({@link FloatEpilogue}, in that order), applied by
 * the product on output tiles while they are in cache: no int array of the output.
 */
final class QuantConv extends ConvUnit<int[]> {
    /** {@code c, shift} and this conv's ReLU. */
    private final TernaryConv2d layer;
    /** The same conv with {@code c, shift}, then the residual, then the block's ReLU. */
    private final TernaryConv2d blockEnd;

    QuantConv(String name, Conv2d conv, Shape in, ActivationQuantizer quantizer, float[] c, float[] shift,
              boolean relu) {
        super(name, conv.spec(), in, relu);
        this.layer = TernaryConv2d.of(conv, quantizer, FloatEpilogue.of(c, shift, relu));
        this.blockEnd = TernaryConv2d.of(conv, quantizer, FloatEpilogue.of(c, shift, true));
    }

    @Override
    LayerKind kind() {
        return LayerKind.QUANTIZED_CONV;
    }

    /** None: the conv keeps its buffers per thread, and the epilogue writes {@code y} directly. */
    @Override
    int[] scratch(int batch) {
        return null;
    }

    @Override
    void forward(float[] x, int batch, float[] y, int[] scratch) {
        layer.forward(x, batch, in.h(), in.w(), Layout.NCHW, y);
    }

    @Override
    boolean fusesResidual() {
        return true;
    }

    @Override
    void forwardResidual(float[] x, int batch, float[] y, int[] scratch, float[] residual) {
        blockEnd.forward(x, batch, in.h(), in.w(), residual, y);
    }

    @Override
    String describe() {
        Conv2d conv = layer.conv();
        return super.describe() + " [" + conv.weightPrecision() + " x " + conv.activationPrecision() + ", "
                + layer.activationQuantizer() + "]";
    }
}

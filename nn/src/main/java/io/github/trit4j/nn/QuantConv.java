package io.github.trit4j.nn;

import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * Quantized convolution: trit4j's {@link Conv2d} quantizes the float input with the conv's
 * own quantizer, packs and convolves (exact int32), then {@code y = (float) acc * c[o] + shift[o]}
 * in float32, and {@code max(y, 0)} when a ReLU is fused; in a basic block's second conv also the
 * residual, {@code max(y + sc, 0)}. All of it in one call ({@link FloatEpilogue}, in that order),
 * applied by the product on output tiles while they are in cache: no int array of the output.
 */
final class QuantConv extends ConvUnit<int[]> {
    final Conv2d conv;
    final ActivationQuantizer quantizer;
    final float[] c;
    final float[] shift;
    /** {@code c, shift} and this conv's ReLU. */
    private final FloatEpilogue epilogue;
    /** {@code c, shift}, then the residual, then the block's ReLU. */
    private final FloatEpilogue residualEpilogue;

    QuantConv(String name, Conv2d conv, Shape in, ActivationQuantizer quantizer, float[] c, float[] shift,
              boolean relu) {
        super(name, conv.spec(), in, relu);
        this.conv = conv;
        this.quantizer = quantizer;
        this.c = c;
        this.shift = shift;
        this.epilogue = FloatEpilogue.of(c, shift, relu);
        this.residualEpilogue = FloatEpilogue.of(c, shift, true);
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
        conv.forward(x, quantizer, batch, in.h(), in.w(), epilogue, null, y);
    }

    @Override
    boolean fusesResidual() {
        return true;
    }

    @Override
    void forwardResidual(float[] x, int batch, float[] y, int[] scratch, float[] residual) {
        conv.forward(x, quantizer, batch, in.h(), in.w(), residualEpilogue, residual, y);
    }

    @Override
    String describe() {
        return super.describe() + " [" + conv.weightPrecision() + " x " + conv.activationPrecision() + ", "
                + quantizer + "]";
    }
}

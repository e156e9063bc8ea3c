package io.github.trit4j.nn;

import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.ConvInput;
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
 *
 * <p>Inside a network the conv may also take its input as codes and write the next conv's
 * ({@link #run}): its scratch is its own input as a {@link ConvInput}, which the conv before it
 * fills from its epilogue (the codes of quantizing its float output, bit for bit), so the float
 * input is neither read again nor quantized in a pass of its own.
 */
final class QuantConv extends ConvUnit<ConvInput> {
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

    /** This conv's input as codes, which the conv before it may write ({@link #run}); its other buffers are per thread. */
    @Override
    ConvInput scratch(int batch) {
        return layer.conv().newInput(batch, in.h(), in.w());
    }

    /** The quantizer of this conv's input: what a conv writing {@link #scratch} quantizes with. */
    ActivationQuantizer quantizer() {
        return layer.activationQuantizer();
    }

    /**
     * {@code y = epilogue(conv(x))} ({@code y} null: none written, only {@code nextCodes}), or with {@code residual} not null {@code max(epilogue(conv(x)) + residual, 0)}
     * (the block's end); the input from {@code codes} when not null (written by the conv before), else
     * quantized from {@code x}; and with {@code nextCodes} not null the output also quantized by {@code next}'s
     * quantizer into {@code nextCodes}, in the epilogue.
     */
    void run(float[] x, ConvInput codes, int batch, float[] y, float[] residual, QuantConv next,
             ConvInput nextCodes) {
        TernaryConv2d t = residual == null ? layer : blockEnd;
        ActivationQuantizer nq = nextCodes == null ? null : next.quantizer();
        if (codes != null) {
            t.conv().forward(codes, t.epilogue(), residual, y, nq, nextCodes);
        } else {
            t.conv().forward(x, t.activationQuantizer(), batch, in.h(), in.w(), t.epilogue(), residual, y, nq,
                    nextCodes);
        }
    }

    @Override
    void forward(float[] x, int batch, float[] y, ConvInput scratch) {
        layer.forward(x, batch, in.h(), in.w(), Layout.NCHW, y);
    }

    @Override
    boolean fusesResidual() {
        return true;
    }

    @Override
    void forwardResidual(float[] x, int batch, float[] y, ConvInput scratch, float[] residual) {
        blockEnd.forward(x, batch, in.h(), in.w(), residual, y);
    }

    @Override
    String describe() {
        Conv2d conv = layer.conv();
        return super.describe() + " [" + conv.weightPrecision() + " x " + conv.activationPrecision() + ", "
                + layer.activationQuantizer() + "]";
    }
}

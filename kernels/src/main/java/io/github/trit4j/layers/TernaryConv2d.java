package io.github.trit4j.layers;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.internal.kernel.PerThread;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;

import java.util.Objects;

/**
 * A drop-in float convolution layer on ternary kernels: float weights (OIHW) are quantized
 * by a {@link WeightQuantizer} and packed once at construction; each {@link #forward} quantizes
 * the float input with an {@link ActivationQuantizer} fused with im2col and packing
 * ({@link Conv2d}), runs the packed GEMM and rescales:
 * <pre>
 * out[n][o][y][x] = relu?( (float) acc * c[o] + bias[o] ),   c[o] = scaleW[o] * scaleX  (float)
 * </pre>
 * where {@code acc} is the exact integer convolution of the codes (zero padding).
 *
 * <p>Error bound: with {@code E = scaleW[o] * scaleX * acc + bias[o]} computed exactly and
 * {@code |acc| <= 2^24}, {@code |out - E| <= 2^-22 * (|scaleW[o] * scaleX * acc| + |bias[o]|) + 2^-147}
 * (three float roundings of at most 2^-24 relative each, plus underflow); fusing ReLU keeps it.
 *
 * <p>Immutable and thread-safe.
 */
public final class TernaryConv2d {

    private final Conv2d conv;
    private final ActivationQuantizer activations;
    private final QuantizedWeights weights;
    private final OutputScaling scaling;
    /** Per-thread integer accumulators, reused by the thread's next call of the same size. */
    private final PerThread<Accumulators> accumulators = new PerThread<>(Accumulators::new);

    /** One thread's accumulators. */
    private static final class Accumulators {
        int[] ints;
    }

    /**
     * The layer on the dispatched engine; see {@link #TernaryConv2d(Conv2dSpec, float[], WeightQuantizer, ActivationQuantizer, float[], boolean, GemmEngine)}.
     *
     * @param spec                the geometry
     * @param weights             OIHW floats, {@link Conv2dSpec#weightLength()} of them; not retained
     * @param weightQuantizer     a ternary weight quantizer (per output channel)
     * @param activationQuantizer the input quantizer and per-tensor scale
     * @param bias                one per output channel, or null for none
     * @param relu                whether to fuse {@code max(y, 0)}
     * @throws IllegalArgumentException as the full constructor
     */
    public TernaryConv2d(Conv2dSpec spec, float[] weights, WeightQuantizer weightQuantizer,
                         ActivationQuantizer activationQuantizer, float[] bias, boolean relu) {
        this(spec, weights, weightQuantizer, activationQuantizer, bias, relu, Gemm.engine());
    }

    /**
     * Quantizes and packs the weights.
     *
     * @param spec                the geometry
     * @param weights             OIHW floats, {@link Conv2dSpec#weightLength()} of them; not retained
     * @param weightQuantizer     a ternary weight quantizer (per output channel)
     * @param activationQuantizer the input quantizer and per-tensor scale
     * @param bias                one per output channel, or null for none
     * @param relu                whether to fuse {@code max(y, 0)}
     * @param engine              the GEMM engine (kernel shape, threads)
     * @throws IllegalArgumentException for a wrong weight or bias length, a NaN weight (naming its
     *                                  index), a non-finite bias or combined scale, or an unsupported pair
     */
    public TernaryConv2d(Conv2dSpec spec, float[] weights, WeightQuantizer weightQuantizer,
                         ActivationQuantizer activationQuantizer, float[] bias, boolean relu, GemmEngine engine) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(weightQuantizer, "weightQuantizer");
        this.activations = Objects.requireNonNull(activationQuantizer, "activationQuantizer");
        Objects.requireNonNull(engine, "engine");
        if (weights.length != spec.weightLength()) {
            throw new IllegalArgumentException("weights.length is " + weights.length + " but " + spec
                    + " needs " + spec.weightLength());
        }
        this.weights = weightQuantizer.quantize(weights, spec.outChannels());
        this.scaling = new OutputScaling(this.weights, activationQuantizer, bias, relu);
        this.conv = new Conv2d(spec, this.weights.precision(), this.weights.codes(), activationQuantizer.precision(),
                engine, Algorithm.FATNN);
    }

    /**
     * The geometry.
     *
     * @return the spec
     */
    public Conv2dSpec spec() {
        return conv.spec();
    }

    /**
     * The quantized weights (codes and per-channel scales).
     *
     * @return the codes and scales
     */
    public QuantizedWeights quantizedWeights() {
        return weights;
    }

    /**
     * The input quantizer.
     *
     * @return the activation quantizer
     */
    public ActivationQuantizer activationQuantizer() {
        return activations;
    }

    /**
     * {@code batch * outChannels * outH * outW}.
     *
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @return the length
     * @throws IllegalArgumentException as {@link Conv2dSpec#outputHeight} and {@link Conv2dSpec#outputWidth}
     */
    public int outputLength(int batch, int height, int width) {
        return conv.outputLength(batch, height, width);
    }

    /**
     * The exact integer convolution of the codes, before rescaling (same layout as the input).
     *
     * @param input  {@code batch x inChannels x height x width} floats in {@code layout}
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @param layout layout of input and output
     * @return the integer results, {@link #outputLength} of them
     * @throws IllegalArgumentException for bad sizes or lengths (naming the parameter) or a NaN input (naming its index)
     */
    public int[] accumulate(float[] input, int batch, int height, int width, Layout layout) {
        return conv.forward(input, activations, batch, height, width, layout);
    }

    /**
     * {@link #forward(float[], int, int, int, Layout, float[])} into a new array.
     *
     * @param input  {@code batch x inChannels x height x width} floats in {@code layout}
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @param layout layout of input and output
     * @return the outputs, {@link #outputLength} of them
     * @throws IllegalArgumentException as the overload with {@code out}
     */
    public float[] forward(float[] input, int batch, int height, int width, Layout layout) {
        float[] out = new float[outputLength(batch, height, width)];
        forward(input, batch, height, width, layout, out);
        return out;
    }

    /**
     * Runs the layer.
     *
     * @param input  {@code batch x inChannels x height x width} floats in {@code layout}
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @param layout layout of input and output
     * @param out    receives {@code batch x outChannels x outH x outW} floats in {@code layout};
     *               untouched if an exception is thrown
     * @throws IllegalArgumentException for bad sizes or lengths (naming the parameter) or a NaN
     *                                  input (naming its index)
     */
    public void forward(float[] input, int batch, int height, int width, Layout layout, float[] out) {
        Objects.requireNonNull(out, "out");
        int len = outputLength(batch, height, width);
        if (out.length != len) {
            throw new IllegalArgumentException("out.length is " + out.length + " but batch * outChannels * outH"
                    + " * outW = " + len);
        }
        Accumulators scratch = accumulators.acquire();
        try {
            int[] acc = scratch.ints = PerThread.exact(scratch.ints, len);
            conv.forward(input, activations, batch, height, width, layout, acc);
            int cout = spec().outChannels();
            int pixels = spec().outputHeight(height) * spec().outputWidth(width);
            if (layout == Layout.NCHW) {
                for (int n = 0, i = 0; n < batch; n++) {
                    for (int o = 0; o < cout; o++, i += pixels) {
                        scaling.apply(acc, i, out, i, pixels, o);
                    }
                }
            } else {
                for (int i = 0; i < len; i += cout) {
                    scaling.applyChannels(acc, i, out, i, cout);
                }
            }
        } finally {
            accumulators.release(scratch);
        }
    }

    @Override
    public String toString() {
        return "TernaryConv2d[" + conv + ", " + activations + "]";
    }
}

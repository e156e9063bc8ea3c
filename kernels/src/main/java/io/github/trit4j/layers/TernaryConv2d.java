package io.github.trit4j.layers;

import io.github.trit4j.Algorithm;
import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.WorkspacePool;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.internal.kernel.ExactBuffers;
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
 * where {@code acc} is the exact integer convolution of the codes (zero padding). The rescale is
 * the layer's {@link FloatEpilogue} ({@link #epilogue()}); in {@link Layout#NCHW} it runs inside
 * the product on output tiles while they are in cache (Conv2d's fused {@code forward}), with the
 * same floats as the product followed by the rescale.
 *
 * <p>{@link #of(Conv2d, ActivationQuantizer, FloatEpilogue)} makes the layer from codes quantized
 * elsewhere (a model file's) with any epilogue, such as a folded BatchNorm: the layer trit4j-nn's
 * quantized convolutions run.
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
    /** The quantized float weights, or null for a layer made by {@link #of} from codes. */
    private final QuantizedWeights weights;
    private final FloatEpilogue epilogue;
    /** Integer accumulators per call in progress (a platform thread's own, pooled for virtual threads), reused. */
    private final WorkspacePool<Accumulators> accumulators = new WorkspacePool<>(Accumulators::new);

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
     * @throws IllegalArgumentException for a wrong weight or bias length, a weight the quantizer
     *                                  refuses ({@link WeightQuantizer#quantize}: NaN, or infinite for TWN
     *                                  and sign, naming its index), a non-finite bias or combined scale, or
     *                                  an unsupported pair
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
        this.epilogue = OutputScaling.epilogue(this.weights, activationQuantizer, bias, relu);
        this.conv = new Conv2d(spec, this.weights.precision(), this.weights.codes(), activationQuantizer.precision(),
                engine, Algorithm.FATNN);
    }

    private TernaryConv2d(Conv2d conv, ActivationQuantizer activations, FloatEpilogue epilogue) {
        this.conv = conv;
        this.activations = activations;
        this.weights = null;
        this.epilogue = epilogue;
    }

    /**
     * The layer over a convolution of codes packed elsewhere (weights quantized by a training
     * framework and read from a model file), with its own epilogue: {@code out = epilogue(o, acc)},
     * that is {@code (float) acc * scale[o] + bias[o]}, then {@code max(., 0)} when
     * {@link FloatEpilogue#relu()}. A folded BatchNorm goes into the epilogue's scale and bias (a
     * scale may then be negative or zero). Such a layer has no {@link #quantizedWeights()}.
     *
     * @param conv                the packed convolution (its weights, precisions, engine and algorithm)
     * @param activationQuantizer the input quantizer, of {@code conv}'s activation precision
     * @param epilogue            one row per output channel of {@code conv}
     * @return the layer
     * @throws IllegalArgumentException if the quantizer's precision is not {@code conv}'s activation
     *                                  precision or {@code epilogue.rows()} is not its output channels
     */
    public static TernaryConv2d of(Conv2d conv, ActivationQuantizer activationQuantizer, FloatEpilogue epilogue) {
        Objects.requireNonNull(conv, "conv");
        Objects.requireNonNull(activationQuantizer, "activationQuantizer");
        Objects.requireNonNull(epilogue, "epilogue");
        if (activationQuantizer.precision() != conv.activationPrecision()) {
            throw new IllegalArgumentException("activationQuantizer precision " + activationQuantizer.precision()
                    + " differs from the conv's activation precision " + conv.activationPrecision());
        }
        if (epilogue.rows() != conv.spec().outChannels()) {
            throw new IllegalArgumentException("epilogue has " + epilogue.rows() + " rows but the conv has "
                    + conv.spec().outChannels() + " output channels");
        }
        return new TernaryConv2d(conv, activationQuantizer, epilogue);
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
     * @throws IllegalStateException for a layer made by {@link #of} from packed codes, which are not kept
     */
    public QuantizedWeights quantizedWeights() {
        if (weights == null) {
            throw new IllegalStateException(this + " was made from packed codes and keeps no quantized weights");
        }
        return weights;
    }

    /**
     * The packed convolution this layer runs.
     *
     * @return the convolution
     */
    public Conv2d conv() {
        return conv;
    }

    /**
     * What turns each exact integer result into the output float: {@code c[o]}, {@code bias[o]}
     * (zero when none was given) and the ReLU flag.
     *
     * @return the epilogue
     */
    public FloatEpilogue epilogue() {
        return epilogue;
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
        Objects.requireNonNull(layout, "layout");
        int len = checkOut(out, batch, height, width);
        if (layout == Layout.NCHW) {
            conv.forward(input, activations, batch, height, width, epilogue, null, out);
            return;
        }
        Accumulators scratch = accumulators.acquire();
        try {
            int[] acc = scratch.ints = ExactBuffers.exact(scratch.ints, len);
            conv.forward(input, activations, batch, height, width, layout, acc);
            int cout = spec().outChannels();
            for (int i = 0; i < len; i += cout) {
                for (int o = 0; o < cout; o++) {
                    out[i + o] = epilogue.apply(o, acc[i + o]);
                }
            }
        } finally {
            accumulators.release(scratch);
        }
    }

    /**
     * Runs the layer, NCHW, with a residual added before the ReLU: {@code out = epilogue(o, acc,
     * residual)}, that is {@code ((float) acc * c[o] + bias[o]) + residual}, then {@code max(., 0)}
     * when {@link FloatEpilogue#relu()} (the end of a ResNet basic block), in float32 in that order.
     *
     * @param input    {@code batch x inChannels x height x width} floats, NCHW
     * @param batch    number of images, at least 1
     * @param height   input height, at least 1
     * @param width    input width, at least 1
     * @param residual {@code batch x outChannels x outH x outW} floats, NCHW; may be {@code out} or
     *                 {@code input} itself (the input is read before anything is written)
     * @param out      receives {@code batch x outChannels x outH x outW} floats, NCHW; untouched if an
     *                 exception is thrown
     * @throws IllegalArgumentException for bad sizes or lengths (naming the parameter) or a NaN
     *                                  input (naming its index)
     */
    public void forward(float[] input, int batch, int height, int width, float[] residual, float[] out) {
        Objects.requireNonNull(residual, "residual");
        checkOut(out, batch, height, width);
        conv.forward(input, activations, batch, height, width, epilogue, residual, out);
    }

    /** {@link #outputLength}, which {@code out.length} must be. */
    private int checkOut(float[] out, int batch, int height, int width) {
        Objects.requireNonNull(out, "out");
        int len = outputLength(batch, height, width);
        if (out.length != len) {
            throw new IllegalArgumentException("out.length is " + out.length + " but batch * outChannels * outH"
                    + " * outW = " + len);
        }
        return len;
    }

    @Override
    public String toString() {
        return "TernaryConv2d[" + conv + ", " + activations + "]";
    }
}

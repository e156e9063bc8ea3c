package io.github.trit4j.layers;

import io.github.trit4j.Algorithm;
import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.internal.kernel.ActivationPacking;
import io.github.trit4j.internal.kernel.TrustedPacking;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;

import java.util.Objects;

/**
 * A drop-in float linear (fully connected) layer on ternary kernels: weights
 * {@code [outFeatures][inFeatures]} are quantized and packed once at construction; each
 * {@link #forward} quantizes and packs the input rows in one pass
 * ({@link ActivationQuantizer#pack}), runs the packed GEMM and rescales:
 * {@code out[b][o] = relu?((float) acc * c[o] + bias[o])}, {@code c[o] = scaleW[o] * scaleX} in float
 * (the layer's {@link FloatEpilogue}, as {@link TernaryConv2d}'s; for one row it runs inside the
 * product, with the same floats). Error bound as stated for {@link TernaryConv2d}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TernaryLinear {

    /** Wraps the activation planes this library packs itself; fetched once (the fetch checks its caller). */
    private static final TrustedPacking.Wrapper<PackedMatrix> TRUSTED = TrustedPacking.wrapper(PackedMatrix.class);

    private final int inFeatures;
    private final int outFeatures;
    private final ActivationQuantizer activations;
    private final QuantizedWeights weights;
    private final PackedMatrix packed;
    private final FloatEpilogue epilogue;
    private final GemmEngine engine;

    /**
     * The layer on the dispatched engine.
     *
     * @param weights             row-major {@code [outFeatures][inFeatures]}; not retained
     * @param outFeatures         output features M, at least 1
     * @param inFeatures          input features K, at least 1
     * @param weightQuantizer     a ternary weight quantizer (per output feature)
     * @param activationQuantizer the input quantizer and per-tensor scale
     * @param bias                {@code outFeatures} values, or null
     * @param relu                whether to fuse {@code max(y, 0)}
     * @throws IllegalArgumentException as the full constructor
     */
    public TernaryLinear(float[] weights, int outFeatures, int inFeatures, WeightQuantizer weightQuantizer,
                         ActivationQuantizer activationQuantizer, float[] bias, boolean relu) {
        this(weights, outFeatures, inFeatures, weightQuantizer, activationQuantizer, bias, relu, Gemm.engine());
    }

    /**
     * Quantizes and packs the weights.
     *
     * @param weights             row-major {@code [outFeatures][inFeatures]}; not retained
     * @param outFeatures         output features M, at least 1
     * @param inFeatures          input features K, at least 1
     * @param weightQuantizer     a ternary weight quantizer (per output feature)
     * @param activationQuantizer the input quantizer and per-tensor scale
     * @param bias                {@code outFeatures} values, or null
     * @param relu                whether to fuse {@code max(y, 0)}
     * @param engine              the engine that packs the input and runs the products
     * @throws IllegalArgumentException for bad sizes or lengths (naming them), a weight the
     *                                  quantizer refuses ({@link WeightQuantizer#quantize}: NaN, or infinite
     *                                  for TWN and sign, naming its index), a non-finite bias or combined
     *                                  scale, or a non-ternary weight quantizer
     */
    public TernaryLinear(float[] weights, int outFeatures, int inFeatures, WeightQuantizer weightQuantizer,
                         ActivationQuantizer activationQuantizer, float[] bias, boolean relu, GemmEngine engine) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(weightQuantizer, "weightQuantizer");
        this.activations = Objects.requireNonNull(activationQuantizer, "activationQuantizer");
        this.engine = Objects.requireNonNull(engine, "engine");
        if (outFeatures < 1) {
            throw new IllegalArgumentException("outFeatures must be at least 1, got " + outFeatures);
        }
        if (inFeatures < 1) {
            throw new IllegalArgumentException("inFeatures must be at least 1, got " + inFeatures);
        }
        if (weights.length != (long) outFeatures * inFeatures) {
            throw new IllegalArgumentException("weights.length is " + weights.length + " but outFeatures * inFeatures"
                    + " = " + outFeatures + " * " + inFeatures + " = " + (long) outFeatures * inFeatures);
        }
        if (weightQuantizer.precision() != io.github.trit4j.Precision.TERNARY) {
            throw new IllegalArgumentException("weightQuantizer must give TERNARY codes, gives "
                    + weightQuantizer.precision());
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weights = weightQuantizer.quantize(weights, outFeatures);
        this.epilogue = OutputScaling.epilogue(this.weights, activationQuantizer, bias, relu);
        this.packed = PackedMatrix.pack(this.weights.precision(), this.weights.codes(), outFeatures, inFeatures);
    }

    /**
     * Input features K.
     *
     * @return the length of one input row
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * Output features M.
     *
     * @return the length of one output row
     */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * The quantized weights.
     *
     * @return the codes and per-feature scales
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
     * The exact integer products of the codes, {@code [batch][outFeatures]}.
     *
     * @param input {@code batch} rows of {@code inFeatures} floats
     * @param batch number of rows, at least 1
     * @return {@code batch * outFeatures} integers
     * @throws IllegalArgumentException for bad sizes or lengths (naming the parameter) or a NaN input (naming its index)
     */
    public int[] accumulate(float[] input, int batch) {
        int[] acc = product(input, batch);
        int[] out = new int[acc.length];
        for (int o = 0; o < outFeatures; o++) {
            for (int b = 0; b < batch; b++) {
                out[b * outFeatures + o] = acc[o * batch + b];
            }
        }
        return out;
    }

    /**
     * {@link #forward(float[], int, float[])} into a new array.
     *
     * @param input {@code batch} rows of {@code inFeatures} floats
     * @param batch number of rows, at least 1
     * @return {@code [batch][outFeatures]} floats
     * @throws IllegalArgumentException as the overload with {@code out}
     */
    public float[] forward(float[] input, int batch) {
        checkInput(input, batch);
        long size = (long) batch * outFeatures;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch * outFeatures = " + batch + " * " + outFeatures + " = " + size
                    + " outputs do not fit a Java array");
        }
        float[] out = new float[(int) size];
        forward(input, batch, out);
        return out;
    }

    /**
     * Runs the layer on {@code batch} rows of {@code inFeatures} floats.
     *
     * @param input {@code batch} rows of {@code inFeatures} floats
     * @param batch number of rows, at least 1
     * @param out   receives {@code [batch][outFeatures]}; untouched if an exception is thrown
     * @throws IllegalArgumentException for bad sizes or lengths (naming the parameter) or a NaN
     *                                  input (naming its index)
     */
    public void forward(float[] input, int batch, float[] out) {
        Objects.requireNonNull(out, "out");
        checkBatch(batch);
        if (out.length != (long) batch * outFeatures) {
            throw new IllegalArgumentException("out.length is " + out.length + " but batch * outFeatures = "
                    + batch + " * " + outFeatures);
        }
        if (batch == 1) { // [outFeatures][1] is [1][outFeatures]: the fused product writes out directly
            engine.multiply(packed, packedInput(input, batch), Algorithm.FATNN, epilogue, null, out);
            return;
        }
        int[] acc = product(input, batch);
        for (int o = 0; o < outFeatures; o++) {
            for (int b = 0; b < batch; b++) {
                out[b * outFeatures + o] = epilogue.apply(o, acc[o * batch + b]);
            }
        }
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

    /** acc[o * batch + b]. */
    private int[] product(float[] input, int batch) {
        return engine.multiply(packed, packedInput(input, batch));
    }

    /** The input rows quantized and packed, after the checks of {@link #checkInput}. */
    private PackedMatrix packedInput(float[] input, int batch) {
        checkInput(input, batch);
        return TRUSTED.wrap(ActivationPacking.pack(activations, engine, input, 0, batch, inFeatures, inFeatures, "input"));
    }

    private void checkInput(float[] input, int batch) {
        Objects.requireNonNull(input, "input");
        checkBatch(batch);
        if (input.length != (long) batch * inFeatures) {
            throw new IllegalArgumentException("input.length is " + input.length + " but batch * inFeatures = "
                    + batch + " * " + inFeatures);
        }
    }

    private static void checkBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
    }

    @Override
    public String toString() {
        return "TernaryLinear[" + outFeatures + " x " + inFeatures + ", " + activations + ", " + engine + "]";
    }
}

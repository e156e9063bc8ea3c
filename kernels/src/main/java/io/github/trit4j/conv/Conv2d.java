package io.github.trit4j.conv;

import io.github.trit4j.Algorithm;
import io.github.trit4j.FloatEpilogue;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.WarmUp;
import io.github.trit4j.WorkspacePool;
import io.github.trit4j.internal.kernel.ColumnPanels;
import io.github.trit4j.internal.kernel.Operand;
import io.github.trit4j.internal.kernel.ExactBuffers;
import io.github.trit4j.internal.kernel.Planes;
import io.github.trit4j.internal.kernel.TrustedPacking;
import io.github.trit4j.internal.kernel.WarmUpLoop;
import io.github.trit4j.Precision;
import io.github.trit4j.quant.ActivationQuantizer;

import java.time.Duration;
import java.util.Objects;

/**
 * A 2-D convolution on integer codes, run as packed GEMM: weights (OIHW, ternary, 2-bit or
 * binary) are packed once at construction, one matrix per group with patch order
 * {@code (kh, kw, c)}; each call packs the input once per pixel into bit-planes (quantizing
 * it on the way when it is float, checking codes or NaN in the same pass) and im2col copies
 * words (or bit ranges) of those planes directly into the patch matrix, laid out as the
 * engine reads it ({@link GemmEngine#activationPanelLanes}: column panels, or rows), which goes
 * to {@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, int[])}. No byte or
 * float im2col matrix is ever built.
 *
 * <p>{@code out[n][o][oy][ox] = sum_{c,kh,kw} w[o][c][kh][kw] * in[n][g*Cg + c][iy][ix]} with
 * {@code g = o / (outChannels/groups)}, {@code iy = oy*strideH - padH + kh*dilationH} (same for x),
 * and the input taken as 0 outside the image: zero padding. Padded taps are written as the
 * code of the value 0 (the all-zero bit pattern for TERNARY, TERNARY_UNSIGNED and TWO_BIT).
 * BINARY has no 0; its padded taps are packed as +1 and the weights' contribution over them is
 * subtracted afterwards, so the result is still the zero-padded convolution.
 *
 * <p>Supported pairs (weights x activations) are the engine's: {@code TERNARY x TERNARY_UNSIGNED}
 * (FATNN), {@code TERNARY x TWO_BIT}, {@code TERNARY x TERNARY}, {@code TWO_BIT x TWO_BIT},
 * {@code BINARY x BINARY}. Input and output share the layout ({@link Layout#NCHW} or
 * {@link Layout#NHWC}); outputs are exact int32.
 *
 * <p>Instances are immutable and thread-safe. Scratch arrays (packed pixels, patch matrix,
 * GEMM output of a group) are kept per thread and per layer and reused by that thread's next
 * call of the same size; a thread that calls a layer keeps about
 * {@code rows * planes * ceil(K/64) * 8} bytes of patches, plus the packed input, until it (or
 * the layer) is gone.
 */
public final class Conv2d {

    /** The unchecked wrappers for the patch matrices im2col writes; fetched once (the fetch checks its caller). */
    private static final TrustedPacking.Wrapper<PackedMatrix> TRUSTED = TrustedPacking.wrapper(PackedMatrix.class);

    private final Conv2dSpec spec;
    private final Precision weightPrecision;
    private final Precision activationPrecision;
    private final GemmEngine engine;
    private final Algorithm algorithm;
    private final PackedMatrix[] groupWeights;
    /** BINARY with padding only: sum over input channels of w[o][.][kh][kw], index o * KH*KW + tap. */
    private final int[] tapSums;
    /** This layer's per-thread scratch: packed pixels, patch rows, the GEMM output of a group. */
    private final WorkspacePool<Buffers> buffers;

    /**
     * One thread's buffers for this layer. Arrays wrapped as packed matrices must have the exact
     * length, so a buffer is replaced when the size changes ({@link ExactBuffers#exact}).
     */
    private static final class Buffers {
        long[] pixels;
        long[] patches;
        long[] scratch;
        int[] gemm;
        /** The float output of a call that writes only the next convolution's input and does not fuse it. */
        float[] floats;
        /** The views of the last call's sizes over these buffers, kept so that a call with the
         *  same sizes allocates nothing (each is rebuilt when a size changes). */
        PixelPlanes planes;
        PlaneLayout patchLayout;
        /** The patch matrix handed to the engine and its operand, over the patch bits of the last
         *  call's sizes; rewritten in place per call (see {@link Conv2d#patchMatrix}). */
        Operand patchOperand;
        PackedMatrix patchView;
        /** Whether the patch bits of these sizes went through the checking factories (assertions on). */
        boolean patchesChecked;
        final Im2col im2col;

        Buffers(Conv2dSpec spec) {
            im2col = new Im2col(spec);
        }
    }

    /**
     * Packs {@code weights} for a convolution on the dispatched engine ({@link Gemm#engine()}).
     *
     * @see #Conv2d(Conv2dSpec, Precision, byte[], Precision, GemmEngine, Algorithm)
     * @param spec                the geometry
     * @param weightPrecision     TERNARY, TWO_BIT or BINARY
     * @param weights             OIHW codes, {@link Conv2dSpec#weightLength()} of them; not retained
     * @param activationPrecision the inputs' precision; the pair must be supported
     * @throws IllegalArgumentException as the full constructor
     */
    public Conv2d(Conv2dSpec spec, Precision weightPrecision, byte[] weights, Precision activationPrecision) {
        this(spec, weightPrecision, weights, activationPrecision, Gemm.engine(), Algorithm.FATNN);
    }

    /**
     * Packs {@code weights} for a convolution.
     *
     * @param spec                the geometry
     * @param weightPrecision     TERNARY, TWO_BIT or BINARY
     * @param weights             OIHW codes, {@link Conv2dSpec#weightLength()} of them; not retained
     * @param activationPrecision the inputs' precision; the pair must be supported
     * @param engine              the GEMM engine (pins the kernel shape and threads)
     * @param algorithm           FATNN or CONVENTIONAL (same integers)
     * @throws IllegalArgumentException if the pair is unsupported, the weight length is wrong, or a
     *                                  weight is outside its set (naming its OIHW index)
     */
    public Conv2d(Conv2dSpec spec, Precision weightPrecision, byte[] weights, Precision activationPrecision,
                  GemmEngine engine, Algorithm algorithm) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.weightPrecision = Objects.requireNonNull(weightPrecision, "weightPrecision");
        this.activationPrecision = Objects.requireNonNull(activationPrecision, "activationPrecision");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(weights, "weights");
        GemmEngine.requireSupported(weightPrecision, activationPrecision);
        this.buffers = new WorkspacePool<>(() -> new Buffers(spec));
        if (weights.length != spec.weightLength()) {
            throw new IllegalArgumentException("weights.length is " + weights.length + " but " + spec
                    + " needs outChannels * inChannels/groups * kernelH * kernelW = " + spec.weightLength());
        }
        for (int i = 0; i < weights.length; i++) {
            if (!weightPrecision.contains(weights[i])) {
                throw new IllegalArgumentException("weights[" + i + "] = " + weights[i] + " is outside "
                        + weightPrecision + " " + weightPrecision.valueSet());
            }
        }
        int groups = spec.groups();
        int mg = spec.outChannelsPerGroup();
        int cg = spec.inChannelsPerGroup();
        int kh = spec.kernelH();
        int kw = spec.kernelW();
        int taps = kh * kw;
        int k = spec.patchLength();
        groupWeights = new PackedMatrix[groups];
        for (int g = 0; g < groups; g++) {
            byte[] rows = new byte[mg * k];
            for (int ol = 0; ol < mg; ol++) {
                int o = g * mg + ol;
                for (int c = 0; c < cg; c++) {
                    for (int t = 0; t < taps; t++) {
                        rows[ol * k + t * cg + c] = weights[(o * cg + c) * taps + t];
                    }
                }
            }
            groupWeights[g] = PackedMatrix.pack(weightPrecision, rows, mg, k);
        }
        if (activationPrecision == Precision.BINARY && (spec.padH() > 0 || spec.padW() > 0)) {
            tapSums = new int[spec.outChannels() * taps];
            for (int o = 0; o < spec.outChannels(); o++) {
                for (int c = 0; c < cg; c++) {
                    for (int t = 0; t < taps; t++) {
                        tapSums[o * taps + t] += weights[(o * cg + c) * taps + t];
                    }
                }
            }
        } else {
            tapSums = null;
        }
    }


    /**
     * The geometry.
     *
     * @return the spec
     */
    public Conv2dSpec spec() {
        return spec;
    }

    /**
     * The weights' precision.
     *
     * @return TERNARY, TWO_BIT or BINARY
     */
    public Precision weightPrecision() {
        return weightPrecision;
    }

    /**
     * The inputs' precision.
     *
     * @return the precision {@link #forward} expects
     */
    public Precision activationPrecision() {
        return activationPrecision;
    }

    /**
     * The engine that packs the inputs and runs the products.
     *
     * @return the engine
     */
    public GemmEngine engine() {
        return engine;
    }

    /**
     * Length of the output for this input size: {@code batch * outChannels * outH * outW}.
     *
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @return the length
     * @throws IllegalArgumentException naming {@code batch}, {@code height} or {@code width} if it is bad, or if the output does not fit a Java array
     */
    public int outputLength(int batch, int height, int width) {
        positive("batch", batch);
        long len = (long) batch * spec.outChannels() * spec.outputHeight(height) * spec.outputWidth(width);
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("output of " + len + " values does not fit a Java array");
        }
        return (int) len;
    }

    /**
     * {@link #forward(byte[], int, int, int, Layout, int[])} into a new array.
     *
     * @param input  {@code batch x inChannels x height x width} codes in {@code layout}
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @param layout layout of both input and output
     * @return the results, {@link #outputLength} of them
     * @throws IllegalArgumentException as the overload with {@code out}
     */
    public int[] forward(byte[] input, int batch, int height, int width, Layout layout) {
        int[] out = new int[outputLength(batch, height, width)];
        forward(input, batch, height, width, layout, out);
        return out;
    }

    /**
     * Convolves integer codes.
     *
     * @param input  {@code batch x inChannels x height x width} codes of the activation precision,
     *               in {@code layout}
     * @param batch  number of images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @param layout layout of both input and output
     * @param out    receives {@code batch x outChannels x outH x outW} results in {@code layout};
     *               untouched if an IllegalArgumentException is thrown (an Error during the
     *               product may leave it partly written, as {@link GemmEngine} describes)
     * @throws IllegalArgumentException naming the parameter for a bad size or length, or the index
     *                                  of a code outside the activation precision
     */
    public void forward(byte[] input, int batch, int height, int width, Layout layout, int[] out) {
        Objects.requireNonNull(input, "input");
        checkCall(input.length, batch, height, width, layout, out);
        Buffers buf = buffers.acquire();
        try {
            PixelPlanes pp = pixelPlanes(buf, activationPrecision, batch, height, width);
            pp.packCodes(input, layout);
            run(buf, pp, layout, out, null, null, null, null, null);
        } finally {
            buffers.release(buf);
        }
    }

    /**
     * {@link #forward(float[], ActivationQuantizer, int, int, int, Layout, int[])} into a new array.
     *
     * @param input     {@code batch x inChannels x height x width} floats in {@code layout}
     * @param quantizer the activation quantizer, of the activation precision
     * @param batch     number of images, at least 1
     * @param height    input height, at least 1
     * @param width     input width, at least 1
     * @param layout    layout of both input and output
     * @return the results, {@link #outputLength} of them
     * @throws IllegalArgumentException as the overload with {@code out}
     */
    public int[] forward(float[] input, ActivationQuantizer quantizer, int batch, int height, int width,
                         Layout layout) {
        int[] out = new int[outputLength(batch, height, width)];
        forward(input, quantizer, batch, height, width, layout, out);
        return out;
    }

    /**
     * Quantizes float activations with {@code quantizer} and convolves their codes, fused:
     * each input value is quantized once, straight into bit-planes, and im2col copies bits.
     * Padding is the code of 0, which is also the code every quantizer gives {@code 0.0f}.
     *
     * @param input     {@code batch x inChannels x height x width} floats in {@code layout}
     * @param quantizer the activation quantizer, of the activation precision
     * @param batch     number of images, at least 1
     * @param height    input height, at least 1
     * @param width     input width, at least 1
     * @param layout    layout of both input and output
     * @param out       receives {@code batch x outChannels x outH x outW} results in {@code layout};
     *                  untouched if an IllegalArgumentException is thrown
     * @throws IllegalArgumentException if the quantizer's precision is not the activation
     *                                  precision, for a bad size or length (naming the parameter),
     *                                  or a NaN input (naming its index)
     */
    public void forward(float[] input, ActivationQuantizer quantizer, int batch, int height, int width,
                        Layout layout, int[] out) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(quantizer, "quantizer");
        if (quantizer.precision() != activationPrecision) {
            throw new IllegalArgumentException("quantizer precision " + quantizer.precision()
                    + " differs from the activation precision " + activationPrecision);
        }
        checkCall(input.length, batch, height, width, layout, out);
        Buffers buf = buffers.acquire();
        try {
            PixelPlanes pp = pixelPlanes(buf, activationPrecision, batch, height, width);
            pp.packFloats(input, quantizer, layout);
            run(buf, pp, layout, out, null, null, null, null, null);
        } finally {
            buffers.release(buf);
        }
    }

    /**
     * Quantizes, convolves and finishes in one call, NCHW: the float layer a network runs (a
     * quantized conv with its folded BatchNorm, and the residual add and ReLU of a block), with
     * {@code out[n][o][oy][ox] = epilogue(o, acc, residual[n][o][oy][ox])} where {@code acc} is the
     * exact integer result of {@link #forward(float[], ActivationQuantizer, int, int, int, Layout,
     * int[])}: {@code (float) acc * scale[o] + bias[o]}, then {@code + residual} when
     * {@code residual} is not null, then {@code max(., 0)} when {@link FloatEpilogue#relu()}, in
     * float32 in that order ({@link FloatEpilogue#apply(int, int, float)}), so the result is bit for
     * bit that of the int call followed by the epilogue. For one image and one group (and not
     * BINARY with padding) the epilogue runs inside the product on output tiles while they are in
     * cache ({@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, FloatEpilogue,
     * float[], float[])}), with no int array of the output; otherwise on this thread's int buffer
     * of a group's product, as its results are copied out.
     *
     * @param input     {@code batch x inChannels x height x width} floats, NCHW
     * @param quantizer the activation quantizer, of the activation precision
     * @param batch     number of images, at least 1
     * @param height    input height, at least 1
     * @param width     input width, at least 1
     * @param epilogue  {@code outChannels} rows of scale and bias, and the ReLU flag
     * @param residual  {@code batch x outChannels x outH x outW} values, NCHW, added before the ReLU,
     *                  or null for none; may be {@code out} or {@code input} itself (the input is
     *                  packed before anything is written)
     * @param out       receives {@code batch x outChannels x outH x outW} results, NCHW; untouched if
     *                  an IllegalArgumentException is thrown
     * @throws IllegalArgumentException if the quantizer's precision is not the activation precision,
     *                                  {@code epilogue.rows() != outChannels}, for a bad size or length
     *                                  (naming the parameter),
     *                                  or a NaN input (naming its index)
     */
    public void forward(float[] input, ActivationQuantizer quantizer, int batch, int height, int width,
                        FloatEpilogue epilogue, float[] residual, float[] out) {
        forward(input, quantizer, batch, height, width, epilogue, residual, out, null, null);
    }

    /**
     * {@link #forward(float[], ActivationQuantizer, int, int, int, FloatEpilogue, float[], float[])}, and
     * with {@code next} not null also the next convolution's input: {@code out} quantized with
     * {@code nextQuantizer} and packed into {@code next}, as {@link #pack pack(out, nextQuantizer, next)}
     * would, bit for bit. For one image and one group (and not BINARY with padding) the quantizing runs
     * in the product's epilogue on output tiles while they are in cache ({@link io.github.trit4j.TileConsumer}),
     * not in a pass over {@code out} after it.
     *
     * @param input         {@code batch x inChannels x height x width} floats, NCHW
     * @param quantizer     the activation quantizer, of the activation precision
     * @param batch         number of images, at least 1
     * @param height        input height, at least 1
     * @param width         input width, at least 1
     * @param epilogue      {@code outChannels} rows of scale and bias, and the ReLU flag
     * @param residual      as in the overload without {@code next}
     * @param out           receives the results, NCHW; untouched if an IllegalArgumentException is thrown
     *                      before the product (a NaN in the output is refused after it); null to write none,
     *                      when {@code next} is not null (the outputs then only in cache, quantized into it)
     * @param nextQuantizer the next convolution's quantizer, of its activation precision; ignored when
     *                      {@code next} is null
     * @param next          the next convolution's input, of {@code batch} images of
     *                      {@code outChannels x outH x outW}, or null for none; may be another convolution's
     *                      input of this one's (the same object: it is read before it is written)
     * @throws IllegalArgumentException as the overload without {@code next}, for a {@code next} of other
     *                                  sizes or a quantizer of another precision than its convolution's, or a
     *                                  NaN output (naming its index in {@code out})
     */
    public void forward(float[] input, ActivationQuantizer quantizer, int batch, int height, int width,
                        FloatEpilogue epilogue, float[] residual, float[] out, ActivationQuantizer nextQuantizer,
                        ConvInput next) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(quantizer, "quantizer");
        Objects.requireNonNull(epilogue, "epilogue");
        if (next == null) {
            Objects.requireNonNull(out, "out");
        }
        if (quantizer.precision() != activationPrecision) {
            throw new IllegalArgumentException("quantizer precision " + quantizer.precision()
                    + " differs from the activation precision " + activationPrecision);
        }
        if (epilogue.rows() != spec.outChannels()) {
            throw new IllegalArgumentException("epilogue has " + epilogue.rows() + " rows but outChannels is "
                    + spec.outChannels());
        }
        int len = outputLength(batch, height, width);
        checkSizes(input.length, batch, height, width, out != null ? out.length : len);
        if (residual != null) {
            if (residual.length != len) {
                throw new IllegalArgumentException("residual.length is " + residual.length + " but batch * "
                        + "outChannels * outH * outW = " + len);
            }
        }
        Buffers buf = buffers.acquire();
        try {
            PixelPlanes pp = pixelPlanes(buf, activationPrecision, batch, height, width);
            checkNext(batch, height, width, nextQuantizer, next);
            pp.packFloats(input, quantizer, Layout.NCHW);
            run(buf, pp, Layout.NCHW, null, epilogue, residual, out, nextQuantizer, next);
        } finally {
            buffers.release(buf);
        }
    }

    /**
     * An input holder for this convolution: the pixel planes of {@code batch} images of
     * {@code inChannels x height x width}, written by {@link #pack} or by the convolution before this one
     * ({@link #forward(ConvInput, FloatEpilogue, float[], float[], ActivationQuantizer, ConvInput)}), read by
     * that same {@code forward}. Its codes are undefined until something writes it.
     *
     * @param batch  images, at least 1
     * @param height input height, at least 1
     * @param width  input width, at least 1
     * @return a new input holder, not thread-safe
     * @throws IllegalArgumentException for a size below 1 (naming it) or one too large for a Java array
     */
    public ConvInput newInput(int batch, int height, int width) {
        outputLength(batch, height, width); // validates them
        if ((long) batch * spec.inChannels() * height * width > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("input of " + batch + " x " + spec.inChannels() + " x " + height
                    + " x " + width + " does not fit a Java array");
        }
        PlaneLayout layout = planeLayout(activationPrecision.planes(), batch, height, width);
        return new ConvInput(this, new PixelPlanes(activationPrecision, batch, spec.inChannels(), height, width,
                layout, new long[layout.size()], engine, new long[PixelPlanes.scratchSize(height * width)]));
    }

    /**
     * Quantizes and packs NCHW floats into {@code into}, as the float {@code forward} does before its product.
     *
     * @param input     {@code batch x inChannels x height x width} floats of {@code into}'s sizes, NCHW
     * @param quantizer the activation quantizer, of the activation precision
     * @param into      an input of this convolution ({@link #newInput})
     * @throws IllegalArgumentException for an input of another convolution, a wrong length or precision, or a
     *                                  NaN input (naming its index; {@code into} is then undefined)
     */
    public void pack(float[] input, ActivationQuantizer quantizer, ConvInput into) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(quantizer, "quantizer");
        checkInput(into);
        if (quantizer.precision() != activationPrecision) {
            throw new IllegalArgumentException("quantizer precision " + quantizer.precision()
                    + " differs from the activation precision " + activationPrecision);
        }
        PixelPlanes pp = into.planes;
        long expected = (long) pp.batch * spec.inChannels() * pp.height * pp.width;
        if (input.length != expected) {
            throw new IllegalArgumentException("input.length is " + input.length + " but " + into + " holds "
                    + expected);
        }
        pp.packFloats(input, quantizer, Layout.NCHW);
    }

    /**
     * The fused convolution of a packed input: as {@link #forward(float[], ActivationQuantizer, int, int, int,
     * FloatEpilogue, float[], float[], ActivationQuantizer, ConvInput)} on the floats that {@code input}'s codes
     * were quantized from, bit for bit, without quantizing or packing them (nor im2col's source: the planes
     * are {@code input}'s).
     *
     * @param input         an input of this convolution, written
     * @param epilogue      {@code outChannels} rows of scale and bias, and the ReLU flag
     * @param residual      {@code batch x outChannels x outH x outW} values, NCHW, added before the ReLU, or
     *                      null for none; may be {@code out}
     * @param out           receives the results, NCHW; null to write none when {@code next} is not null
     * @param nextQuantizer the next convolution's quantizer; ignored when {@code next} is null
     * @param next          the next convolution's input, or null for none; may be {@code input} itself
     * @throws IllegalArgumentException for an input of another convolution, {@code epilogue.rows() !=
     *                                  outChannels}, a wrong length, a bad {@code next} (as the float
     *                                  overload), or a NaN output with a {@code next}
     */
    public void forward(ConvInput input, FloatEpilogue epilogue, float[] residual, float[] out,
                        ActivationQuantizer nextQuantizer, ConvInput next) {
        checkInput(input);
        Objects.requireNonNull(epilogue, "epilogue");
        if (next == null) {
            Objects.requireNonNull(out, "out");
        }
        if (epilogue.rows() != spec.outChannels()) {
            throw new IllegalArgumentException("epilogue has " + epilogue.rows() + " rows but outChannels is "
                    + spec.outChannels());
        }
        PixelPlanes pp = input.planes;
        int len = outputLength(pp.batch, pp.height, pp.width);
        if (out != null && out.length != len) {
            throw new IllegalArgumentException("out.length is " + out.length + " but batch * outChannels * outH * "
                    + "outW = " + len);
        }
        if (residual != null && residual.length != len) {
            throw new IllegalArgumentException("residual.length is " + residual.length + " but batch * "
                    + "outChannels * outH * outW = " + len);
        }
        checkNext(pp.batch, pp.height, pp.width, nextQuantizer, next);
        Buffers buf = buffers.acquire();
        try {
            run(buf, pp, Layout.NCHW, null, epilogue, residual, out, nextQuantizer, next);
        } finally {
            buffers.release(buf);
        }
    }

    private void checkInput(ConvInput input) {
        Objects.requireNonNull(input, "input");
        if (input.conv != this) {
            throw new IllegalArgumentException(input + " is an input of another convolution than " + this);
        }
    }

    /** A {@code next} whose convolution takes this one's output of {@code batch} images of {@code height x width}. */
    private void checkNext(int batch, int height, int width, ActivationQuantizer nextQuantizer, ConvInput next) {
        if (next == null) {
            return;
        }
        Objects.requireNonNull(nextQuantizer, "nextQuantizer");
        PixelPlanes np = next.planes;
        if (np.batch != batch || np.channels != spec.outChannels() || np.height != spec.outputHeight(height)
                || np.width != spec.outputWidth(width)) {
            throw new IllegalArgumentException("next is " + next + " but this convolution's output is " + batch
                    + " x " + spec.outChannels() + " x " + spec.outputHeight(height) + " x "
                    + spec.outputWidth(width));
        }
        if (nextQuantizer.precision() != next.conv.activationPrecision()) {
            throw new IllegalArgumentException("nextQuantizer precision " + nextQuantizer.precision()
                    + " differs from the next convolution's activation precision "
                    + next.conv.activationPrecision());
        }
    }

    /**
     * {@link #warmUp(Duration)} within {@link GemmEngine#DEFAULT_WARM_UP_BUDGET}.
     *
     * @return what the warm-up did
     */
    public WarmUp warmUp() {
        return warmUp(GemmEngine.DEFAULT_WARM_UP_BUDGET);
    }

    /**
     * Gets this layer's code compiled before its first real call: runs
     * {@link #forward(byte[], int, int, int, Layout, int[])} (pixel packing, im2col, this layer's
     * GEMM kernels) on a small image of its own, batch 1, NCHW, at least
     * {@value #WARM_UP_SIDE} x {@value #WARM_UP_SIDE} pixels, until the JIT's optimised code has
     * taken over, or {@code budget} is spent: what {@link GemmEngine#warmUp} does for a
     * product, and with the same guarantees (it changes no result, writes only its own arrays, runs
     * on the calling thread, is bounded by the budget plus the call in progress, and stops at an
     * interrupt with the status kept). The float path ({@link #forward(float[], ActivationQuantizer,
     * int, int, int, Layout, int[])}) shares all but its quantizing packer, which it leaves cold.
     * Layers that share the engine and pair share the kernels: after the first layer's warm-up the
     * next one's is short. A service calls it at start-up, before taking traffic; the returned
     * {@link WarmUp} says how long it took. The warm-up's image stays in this thread's scratch
     * buffers until a call of another size replaces them. Thread-safe, as the layer.
     *
     * @param budget the longest it may run; positive
     * @return what the warm-up did
     * @throws IllegalArgumentException if {@code budget} is not positive
     * @throws NullPointerException     if {@code budget} is null
     */
    public WarmUp warmUp(Duration budget) {
        WarmUpLoop.checkBudget(budget);
        // the smallest side of at least WARM_UP_SIDE whose output has a pixel (a dilated kernel may need more)
        int h = Math.max(WARM_UP_SIDE, (spec.kernelH() - 1) * spec.dilationH() + 1);
        int w = Math.max(WARM_UP_SIDE, (spec.kernelW() - 1) * spec.dilationW() + 1);
        byte[] input = WarmUpLoop.values(WarmUpLoop.random(), activationPrecision, spec.inChannels() * h * w);
        int[] out = new int[outputLength(1, h, w)];
        // C2's thresholds count kernel calls and loop iterations, which grow with the layer: a large layer's image
        // passes them in a few calls, a tiny one's in a few hundred
        long macs = (long) out.length * spec.inChannelsPerGroup() * spec.kernelH() * spec.kernelW();
        long minCalls = Math.clamp(WARM_UP_MACS / Math.max(1, macs), 20, 2000);
        return WarmUpLoop.run(() -> forward(input, 1, h, w, Layout.NCHW, out), minCalls, budget);
    }

    /** Side of the warm-up's image: a few column panels of output pixels for a 3x3 stride-2 layer. */
    static final int WARM_UP_SIDE = 12;
    /** Multiply-accumulates the warm-up runs at least (within its bounds of calls): C2's thresholds several times. */
    private static final long WARM_UP_MACS = 400_000_000L;

    private void checkCall(int inputLength, int batch, int height, int width, Layout layout, int[] out) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(out, "out");
        checkSizes(inputLength, batch, height, width, out.length);
    }

    private void checkSizes(int inputLength, int batch, int height, int width, int outLength) {
        int expectedOut = outputLength(batch, height, width); // validates batch, height, width
        long expectedIn = (long) batch * spec.inChannels() * height * width;
        if (inputLength != expectedIn) {
            throw new IllegalArgumentException("input.length is " + inputLength + " but batch * inChannels * height"
                    + " * width = " + batch + " * " + spec.inChannels() + " * " + height + " * " + width + " = "
                    + expectedIn);
        }
        if (outLength != expectedOut) {
            throw new IllegalArgumentException("out.length is " + outLength + " but batch * outChannels * outH * "
                    + "outW = " + expectedOut);
        }
    }

    /**
     * A 1x1 convolution with stride 1, no padding and one group: the packed pixels are the
     * patch rows (one per pixel, K = channels), so there is no im2col at all.
     */
    private boolean pointwise() {
        return spec.kernelH() == 1 && spec.kernelW() == 1 && spec.strideH() == 1 && spec.strideW() == 1
                && spec.padH() == 0 && spec.padW() == 0 && spec.groups() == 1;
    }

    /**
     * Pixel planes over this thread's buffer. On the pointwise path they are the GEMM's
     * activations, so they take the layout the engine reads: its column panels, or rows
     * padded to a packed row per pixel. For im2col they are word-major when channel groups
     * fill whole words (runs of patch rows copy runs of words), rows otherwise.
     */
    private PixelPlanes pixelPlanes(Buffers buf, Precision precision, int batch, int height, int width) {
        PixelPlanes last = buf.planes;
        if (last != null && last.precision == precision && last.batch == batch && last.height == height
                && last.width == width) {
            return last; // same sizes: same layout over the same (exact-length) buffers
        }
        int c = spec.inChannels();
        PlaneLayout layout = planeLayout(precision.planes(), batch, height, width);
        buf.pixels = ExactBuffers.exact(buf.pixels, layout.size());
        buf.scratch = ExactBuffers.exact(buf.scratch, PixelPlanes.scratchSize(height * width));
        buf.planes = new PixelPlanes(precision, batch, c, height, width, layout, buf.pixels, engine, buf.scratch);
        return buf.planes;
    }

    /** The layout of the pixel planes of {@code batch} images of {@code height x width}: see {@link #pixelPlanes}. */
    private PlaneLayout planeLayout(int planes, int batch, int height, int width) {
        int c = spec.inChannels();
        int pixels = batch * height * width;
        if (pointwise()) {
            return patchLayout(planes, c, pixels);
        } else if ((spec.inChannelsPerGroup() & 63) == 0) {
            return PlaneLayout.wordMajor(pixels, planes, (c + 63) >>> 6);
        }
        return PlaneLayout.rows(pixels, planes, (c + 63) >>> 6);
    }

    /**
     * The layout of a patch matrix of {@code rows} rows and K = {@code k}, as the engine reads
     * it: its column panels, or rows padded to the K granule.
     */
    private PlaneLayout patchLayout(int planes, int k, int rows) {
        int lanes = engine.activationPanelLanes(weightPrecision, activationPrecision, algorithm, rows);
        return lanes > 0
                ? PlaneLayout.panels(rows, planes, ColumnPanels.kWords(k), lanes)
                : PlaneLayout.rows(rows, planes, PackedMatrix.wordsPerRowFor(k));
    }

    /** The patch matrix through the public, checking factories: true, or an exception. */
    private boolean checkedPatches(int rows, int lanes, long[] bits) {
        int k = spec.patchLength();
        return (lanes > 0 ? PackedMatrix.fromColumnPanels(activationPrecision, rows, k, lanes, bits)
                : PackedMatrix.fromBitPlanes(activationPrecision, rows, k, bits)) != null;
    }

    /**
     * The patch matrix over {@code bits}, in the layout {@code lanes} says. The planes are this
     * class's own (codes checked when packed, pads and padded taps written as zeros), so they
     * are wrapped without the public factories' pass over every word; with assertions on (as
     * in the test suite) {@link #checkedPatches} runs on the first call of each size.
     *
     * <p>The matrix is this thread's, over this thread's buffer, and kept between calls: the
     * engine memoizes values derived from a matrix's bits (row constants, other layouts), so
     * when the same buffer holds new patches the operand is told to forget them, and a call
     * of the same size allocates no view. The matrix never leaves this class and the product,
     * which keeps nothing after it returns.
     */
    private PackedMatrix patchMatrix(Buffers buf, int rows, int lanes, long[] bits) {
        Operand op = buf.patchOperand;
        Planes p = op == null ? null : op.planes();
        if (p == null || p.rows() != rows || p.lanes() != lanes || (lanes > 0 ? p.panels() : p.bits()) != bits) {
            int k = spec.patchLength();
            op = lanes > 0 ? Operand.ofPanels(activationPrecision, rows, k, lanes, bits)
                    : Operand.ofRows(activationPrecision, rows, k, bits);
            buf.patchOperand = op;
            buf.patchView = TRUSTED.wrap(op);
        } else {
            op.rewritten();
        }
        return buf.patchView;
    }

    /**
     * The product of the packed pixels into {@code out}, or with {@code f} not null into
     * {@code floatOut} through {@code f} (and {@code residual}, possibly null), {@code out} then null.
     */
    private void run(Buffers buf, PixelPlanes pp, Layout layout, int[] out, FloatEpilogue f, float[] residual,
                     float[] floatOut, ActivationQuantizer nextQuantizer, ConvInput next) {
        int batch = pp.batch;
        int oh = spec.outputHeight(pp.height);
        int ow = spec.outputWidth(pp.width);
        int pixelsOut = oh * ow;
        int rows = batch * pixelsOut;
        int mg = spec.outChannelsPerGroup();
        int cout = spec.outChannels();
        boolean direct = spec.groups() == 1 && layout == Layout.NCHW && batch == 1 && tapSums == null;
        if (f != null && floatOut == null && !direct) { // only the next input wanted, from floats: this thread's
            int len = batch * cout * pixelsOut;
            buf.floats = buf.floats != null && buf.floats.length == len ? buf.floats : new float[len];
            floatOut = buf.floats;
        }
        int[] gemmOut = null;
        if (!direct) {
            buf.gemm = buf.gemm != null && buf.gemm.length == mg * rows ? buf.gemm : new int[mg * rows];
            gemmOut = buf.gemm;
        }
        PlaneLayout to = buf.patchLayout;
        if (to == null || to.rows() != rows || to.planes() != pp.planes) {
            to = patchLayout(pp.planes, spec.patchLength(), rows);
            buf.patchLayout = to;
            buf.patchesChecked = false;
        }
        for (int g = 0; g < spec.groups(); g++) {
            long[] patchBits;
            if (pointwise()) {
                patchBits = pp.bits;
            } else {
                buf.patches = ExactBuffers.exact(buf.patches, to.size());
                buf.im2col.pack(pp, g, oh, ow, to, buf.patches);
                patchBits = buf.patches;
            }
            PackedMatrix patches = patchMatrix(buf, rows, to.lanes(), patchBits);
            // with assertions on (the test suite), the first call of each size also goes through the
            // public, checking factories (every call would allocate, which a test forbids)
            assert buf.patchesChecked || (buf.patchesChecked = checkedPatches(rows, to.lanes(), patchBits));
            if (direct) {
                if (f != null) {
                    engine.multiply(groupWeights[g], patches, algorithm, f, residual, floatOut,
                            next == null ? null : next.begin(nextQuantizer));
                    if (next != null) {
                        next.finish(floatOut, nextQuantizer);
                    }
                } else {
                    engine.multiply(groupWeights[g], patches, algorithm, out);
                }
                return;
            }
            engine.multiply(groupWeights[g], patches, algorithm, gemmOut);
            if (tapSums != null) {
                buf.im2col.correctBinaryPadding(tapSums, gemmOut, g, batch, pp.height, pp.width, oh, ow);
            }
            for (int ol = 0; ol < mg; ol++) {
                int o = g * mg + ol;
                for (int n = 0; n < batch; n++) {
                    int src = ol * rows + n * pixelsOut;
                    if (f != null) { // NCHW
                        int dst = (n * cout + o) * pixelsOut;
                        for (int p = 0; p < pixelsOut; p++) {
                            floatOut[dst + p] = residual == null ? f.apply(o, gemmOut[src + p])
                                    : f.apply(o, gemmOut[src + p], residual[dst + p]);
                        }
                    } else if (layout == Layout.NCHW) {
                        System.arraycopy(gemmOut, src, out, (n * cout + o) * pixelsOut, pixelsOut);
                    } else {
                        int dst = n * pixelsOut * cout + o;
                        for (int p = 0; p < pixelsOut; p++, dst += cout) {
                            out[dst] = gemmOut[src + p];
                        }
                    }
                }
            }
        }
        if (next != null) { // not one image of one group: the epilogue ran above, on the group's int buffer
            next.planes.packFloats(floatOut, nextQuantizer, Layout.NCHW);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    @Override
    public String toString() {
        return "Conv2d[" + spec + ", " + weightPrecision + " x " + activationPrecision + ", " + engine + "]";
    }
}

package io.github.trit4j.quant;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.internal.kernel.ActivationPacking;
import io.github.trit4j.internal.kernel.TrustedPacking;
import io.github.trit4j.internal.kernel.CodeMasks;
import io.github.trit4j.internal.kernel.KernelProvider;

import java.util.Arrays;
import java.util.Objects;

/**
 * Maps float activations to the non-negative integer codes the packed kernels consume,
 * and carries the per-tensor scale: code {@code c} stands for the float {@code scale() * c}.
 *
 * <h2>Kinds</h2>
 * <ul>
 *   <li>{@link #fatnn(float, float...)} FATNN's "half range" quantizer from the learned step
 *   parameters {@code alpha_i > 0} (docs/DESIGN.md, <i>Quantizers</i>), with {@code R} = round half to even
 *   ({@link Math#rint}, as {@code torch.round}):
 *   <pre>
 *   y = R(clip(a0*x, 0, 1)) + R(clip(a1*(x - c1), 0, 1)) [+ R(clip(a2*(x - c2), 0, 1))]
 *   c1 = 1/a0,  c2 = 1/a0 + 1/a1         (all in float arithmetic)</pre>
 *   Each term's argument is clipped to [0, 1], so a term is 1 exactly when its product
 *   is {@code > 0.5f}: a tie at 0.5 rounds to the lower code. Two alphas give
 *   {@link Precision#TERNARY_UNSIGNED} {0,1,2}, three give {@link Precision#TWO_BIT} {0,1,2,3}.
 *   Every code path evaluates exactly these float expressions (products in float, the offsets
 *   {@code c1}, {@code c2} computed once in float as written), so they agree bit for bit.</li>
 *   <li>{@link #fatnnThresholds(float, float...)} the same quantizer from exported thresholds
 *   {@code t_0 < t_1 [< t_2]} (for alphas: 0.5/a0, 1/a0 + 0.5/a1, ...):
 *   {@code y = #{i : x > t_i}}; a value equal to a threshold takes the lower code, as above.
 *   The two forms agree up to the float rounding of the thresholds themselves.</li>
 *   <li>{@link #uniform(Precision, float)} the uniform baseline (DoReFa / PACT style) on
 *   {@code [0, clip]}: {@code y = rint(min(max(x * s, 0), L))} with {@code L = precision.max()}
 *   levels above zero and {@code s = L / clip} in float; {@code scale() = clip / L}. Ties
 *   round half to even (1.5 gives 2, 0.5 gives 0).</li>
 * </ul>
 *
 * <p>Infinities clip to the extreme codes ({@code +Inf} to the top code, {@code -Inf} to 0);
 * NaN is rejected with an {@link IllegalArgumentException} naming its index. Every kind maps
 * {@code 0.0f} (and every negative value) to code 0, so zero padding in the float domain and
 * zero padding in the code domain agree.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ActivationQuantizer {

    /** Wraps the activation planes this library packs itself; fetched once (the fetch checks its caller). */
    private static final TrustedPacking.Wrapper<PackedMatrix> TRUSTED = TrustedPacking.wrapper(PackedMatrix.class);

    private enum Kind { ALPHAS, THRESHOLDS, UNIFORM }

    private final Kind kind;
    private final Precision precision;
    private final float scale;
    /** ALPHAS: the alphas; THRESHOLDS: the thresholds; UNIFORM: {s}. */
    private final float[] params;
    /** ALPHAS: offsets {0, c1, c2}; otherwise unused. */
    private final float[] offsets;
    /**
     * Every kind as a count of terms, for {@link CodeMasks#quantizeMasks}: code = #{i : (x - termC[i])
     * * termA[i] > termH[i]} ({@code >=} where bit i of termInclusive is set). ALPHAS: (c_i, a_i, 0.5);
     * THRESHOLDS: (0, 1, t_i); UNIFORM: (0, s, j - 0.5) for j = 1..L, inclusive for even j, since
     * rint rounds the tie j - 0.5 up to j exactly when j is even (clipping to [0, L] changes no
     * comparison with a cut inside (0, L)). x - 0 and x * 1 are x exactly, so these are the very
     * float expressions of {@link #code(float)}.
     */
    private final float[] termC;
    private final float[] termA;
    private final float[] termH;
    private final int termInclusive;

    private ActivationQuantizer(Kind kind, Precision precision, float scale, float[] params, float[] offsets) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
        this.params = params;
        this.offsets = offsets;
        int terms = precision.max();
        termC = new float[terms];
        termA = new float[terms];
        termH = new float[terms];
        int inclusive = 0;
        for (int i = 0; i < terms; i++) {
            switch (kind) {
                case ALPHAS -> { termC[i] = offsets[i]; termA[i] = params[i]; termH[i] = 0.5f; }
                case THRESHOLDS -> { termA[i] = 1f; termH[i] = params[i]; }
                case UNIFORM -> {
                    termA[i] = params[0];
                    termH[i] = i + 0.5f;
                    inclusive |= (i + 1) % 2 == 0 ? 1 << i : 0;
                }
            }
        }
        termInclusive = inclusive;
    }

    /**
     * The packing kernel of {@code engine}'s shape, or of the dispatched shape for null: the one
     * place this class chooses one, so a pinned engine never packs with another shape's kernel.
     * Not cached in a static initialiser: a bad {@code -Dtrit4j.isa} (or thread or spin setting)
     * then fails each call with the dispatch's own IllegalArgumentException, and a later call
     * succeeds once the property is fixed. Package-private for the test that pins an engine.
     */
    static CodeMasks masksFor(GemmEngine engine) {
        return KernelProvider.codeMasks(engine == null ? Gemm.isa() : engine.isa());
    }

    /**
     * FATNN's quantizer from learned alphas (see the class comment).
     *
     * @param scale  the float value of code 1 (finite, {@code > 0})
     * @param alphas two alphas for {0,1,2} or three for {0,1,2,3}; each finite and {@code > 0},
     *               and the offsets {@code 1/a0} (and {@code 1/a0 + 1/a1}) finite floats, so no
     *               alpha below about {@code 2.9e-39}
     * @return the quantizer
     * @throws IllegalArgumentException naming the parameter and value otherwise
     */
    public static ActivationQuantizer fatnn(float scale, float... alphas) {
        checkScale(scale);
        Objects.requireNonNull(alphas, "alphas");
        Precision p = precisionFor(alphas.length, "alphas");
        float[] a = alphas.clone();
        for (int i = 0; i < a.length; i++) {
            if (!(a[i] > 0) || !Float.isFinite(a[i])) {
                throw new IllegalArgumentException("alphas[" + i + "] must be finite and > 0, got " + a[i]);
            }
        }
        float[] off = new float[a.length];
        for (int i = 1; i < a.length; i++) {
            off[i] = off[i - 1] + 1f / a[i - 1];
            if (!Float.isFinite(off[i])) {
                // an infinite offset makes x - c NaN for x = +Inf, whose sign differs between
                // paths; no trained quantizer has a step this small
                throw new IllegalArgumentException(i == 1
                        ? "alphas[0] = " + a[0] + " is too small: 1 / alphas[0] overflows float"
                        : "alphas[" + (i - 1) + "] = " + a[i - 1] + " is too small: 1 / alphas[0] + ... + 1 / alphas["
                                + (i - 1) + "] overflows float");
            }
        }
        return new ActivationQuantizer(Kind.ALPHAS, p, scale, a, off);
    }

    /**
     * FATNN's quantizer from exported thresholds: code = number of thresholds strictly below x.
     *
     * @param scale      the float value of code 1 (finite, {@code > 0})
     * @param thresholds two (for {0,1,2}) or three (for {0,1,2,3}) finite thresholds,
     *                   {@code 0 <= t_0 < t_1 [< t_2]}
     * @return the quantizer
     * @throws IllegalArgumentException naming the parameter and value otherwise
     */
    public static ActivationQuantizer fatnnThresholds(float scale, float... thresholds) {
        checkScale(scale);
        Objects.requireNonNull(thresholds, "thresholds");
        Precision p = precisionFor(thresholds.length, "thresholds");
        float[] t = thresholds.clone();
        for (int i = 0; i < t.length; i++) {
            if (!Float.isFinite(t[i]) || t[i] < 0 || (i > 0 && !(t[i] > t[i - 1]))) {
                throw new IllegalArgumentException("thresholds[" + i + "] = " + t[i]
                        + " must be finite, >= 0 and greater than the previous one; thresholds = "
                        + Arrays.toString(t));
            }
        }
        return new ActivationQuantizer(Kind.THRESHOLDS, p, scale, t, null);
    }

    /**
     * The uniform baseline on {@code [0, clip]} with {@code precision.max()} steps.
     *
     * @param precision {@link Precision#TERNARY_UNSIGNED} or {@link Precision#TWO_BIT}
     * @param clip      the largest representable float, finite and {@code > 0}
     * @return the quantizer
     * @throws IllegalArgumentException naming the parameter and value otherwise
     */
    public static ActivationQuantizer uniform(Precision precision, float clip) {
        Objects.requireNonNull(precision, "precision");
        if (precision != Precision.TERNARY_UNSIGNED && precision != Precision.TWO_BIT) {
            throw new IllegalArgumentException("precision must be TERNARY_UNSIGNED or TWO_BIT, got " + precision);
        }
        if (!(clip > 0) || !Float.isFinite(clip)) {
            throw new IllegalArgumentException("clip must be finite and > 0, got " + clip);
        }
        int levels = precision.max();
        float s = levels / clip;
        if (!Float.isFinite(s)) {
            throw new IllegalArgumentException("clip = " + clip + " is too small: " + levels + " / clip overflows");
        }
        return new ActivationQuantizer(Kind.UNIFORM, precision, clip / levels, new float[] {s}, null);
    }

    /**
     * The precision of the codes: {@link Precision#TERNARY_UNSIGNED} or {@link Precision#TWO_BIT}.
     *
     * @return the codes' precision
     */
    public Precision precision() {
        return precision;
    }

    /**
     * The float value of code 1 (per tensor).
     *
     * @return the scale
     */
    public float scale() {
        return scale;
    }

    /**
     * The code of one value (see the class comment for the exact arithmetic).
     *
     * @param x the value
     * @return its code, {@code 0 <= code <= precision().max()}
     * @throws IllegalArgumentException if {@code x} is NaN
     */
    public int code(float x) {
        if (x != x) {
            throw new IllegalArgumentException("activation is NaN");
        }
        return codeOf(x);
    }

    /** {@link #code(float)} without the NaN check; callers check first. */
    int codeOf(float x) {
        float[] p = params;
        switch (kind) {
            case ALPHAS -> {
                int y = p[0] * x > 0.5f ? 1 : 0;
                for (int i = 1; i < p.length; i++) {
                    y += p[i] * (x - offsets[i]) > 0.5f ? 1 : 0;
                }
                return y;
            }
            case THRESHOLDS -> {
                int y = 0;
                for (float t : p) {
                    y += x > t ? 1 : 0;
                }
                return y;
            }
            case UNIFORM -> {
                float v = Math.min(Math.max(x * p[0], 0f), (float) precision.max());
                return (int) Math.rint(v);
            }
            default -> throw new AssertionError(kind);
        }
    }

    /**
     * Codes of {@code x[offset + i]} for {@code i < length}, into {@code out[outOffset + i]}.
     *
     * @param x         the floats
     * @param offset    index of the first
     * @param length    number of floats
     * @param out       receives the codes
     * @param outOffset index of the first code in {@code out}
     * @throws IllegalArgumentException naming the index if an input is NaN; {@code out} is then
     *                                  untouched
     */
    public void codes(float[] x, int offset, int length, byte[] out, int outOffset) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(offset, length, x.length);
        Objects.checkFromIndexSize(outOffset, length, out.length);
        checkNoNaN(x, offset, length, 1, "x");
        codesAllowingNaN(x, offset, length, out, outOffset);
    }

    /**
     * {@link #codes(float[], int, int, byte[], int)} without the NaN check, for callers that
     * have checked already (a fused quantize + pack): the code of a NaN is unspecified here.
     * One branch-free loop per kind, which the JIT can vectorise: each term {@code y > 0.5f}
     * (or {@code x > t}) is taken as the sign bit of {@code 0.5f - y} (or {@code t - x}), which
     * for every non-NaN float is the same predicate (a float difference is negative exactly
     * when the first operand is smaller; equal operands give +0). The products and offsets are
     * exactly {@link #code(float)}'s, so the codes agree bit for bit.
     *
     * @param x         the floats
     * @param offset    index of the first
     * @param length    number of floats
     * @param out       receives the codes
     * @param outOffset index of the first code in {@code out}
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    public void codesAllowingNaN(float[] x, int offset, int length, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, length, x.length);
        Objects.checkFromIndexSize(outOffset, length, out.length);
        float[] p = params;
        switch (kind) {
            case ALPHAS -> {
                float a0 = p[0];
                float a1 = p[1];
                float c1 = offsets[1];
                if (p.length == 2) {
                    for (int i = 0; i < length; i++) {
                        float v = x[offset + i];
                        out[outOffset + i] = (byte) ((Float.floatToRawIntBits(0.5f - a0 * v) >>> 31)
                                + (Float.floatToRawIntBits(0.5f - a1 * (v - c1)) >>> 31));
                    }
                } else {
                    float a2 = p[2];
                    float c2 = offsets[2];
                    for (int i = 0; i < length; i++) {
                        float v = x[offset + i];
                        out[outOffset + i] = (byte) ((Float.floatToRawIntBits(0.5f - a0 * v) >>> 31)
                                + (Float.floatToRawIntBits(0.5f - a1 * (v - c1)) >>> 31)
                                + (Float.floatToRawIntBits(0.5f - a2 * (v - c2)) >>> 31));
                    }
                }
            }
            case THRESHOLDS -> {
                float t0 = p[0];
                float t1 = p[1];
                if (p.length == 2) {
                    for (int i = 0; i < length; i++) {
                        float v = x[offset + i];
                        out[outOffset + i] = (byte) ((Float.floatToRawIntBits(t0 - v) >>> 31)
                                + (Float.floatToRawIntBits(t1 - v) >>> 31));
                    }
                } else {
                    float t2 = p[2];
                    for (int i = 0; i < length; i++) {
                        float v = x[offset + i];
                        out[outOffset + i] = (byte) ((Float.floatToRawIntBits(t0 - v) >>> 31)
                                + (Float.floatToRawIntBits(t1 - v) >>> 31)
                                + (Float.floatToRawIntBits(t2 - v) >>> 31));
                    }
                }
            }
            case UNIFORM -> {
                float s = p[0];
                float top = (float) precision.max();
                for (int i = 0; i < length; i++) {
                    float v = Math.min(Math.max(x[offset + i] * s, 0f), top);
                    out[outOffset + i] = (byte) (int) Math.rint(v);
                }
            }
            default -> throw new AssertionError(kind);
        }
    }

    /**
     * Quantizes {@code x[offset + i]}, {@code i < length}, straight into bit-planes, for fused
     * packers (such as a convolution's input packing): for each group {@code g < ceil(length / 64)}
     * of 64 values, bit {@code j} of {@code plane0[at0 + g * stride]} is plane 0 of the code of
     * {@code x[offset + 64 g + j]} in {@link PackedMatrix}'s encoding of {@link #precision()}
     * (thermometer a, b for {0,1,2}; lo, hi for {0,1,2,3}), and bit {@code j} of
     * {@code plane1[at1 + g * stride]} its plane 1; bits past {@code length} are 0. The codes are
     * exactly {@link #code(float)}'s; where the vector module is present, a vector compare per
     * term makes the words directly.
     *
     * @return -1, or the index into {@code x} of a NaN in the range (the words written are then
     *         unspecified)
     * @param x      the floats
     * @param offset index of the first float
     * @param length number of floats
     * @param plane0 receives plane 0, one word per 64 floats
     * @param at0    index of the first plane-0 word
     * @param plane1 receives plane 1 (may be {@code plane0})
     * @param at1    index of the first plane-1 word
     * @param stride distance between consecutive words of one plane, at least 1
     * @throws IndexOutOfBoundsException if a range is outside its array
     * @throws IllegalArgumentException  if {@code stride < 1}
     */
    public int packPlanes(float[] x, int offset, int length, long[] plane0, int at0, long[] plane1, int at1,
                          int stride) {
        return packPlanes(masksFor(null), x, offset, length, plane0, at0, plane1, at1, stride);
    }

    /**
     * {@link #packPlanes(float[], int, int, long[], int, long[], int, int)} with the packing kernel
     * of {@code engine}'s shape, for packers feeding a pinned engine (the words are the same on
     * every shape; only the speed differs).
     *
     * @param engine the engine whose shape packs
     * @param x      the floats
     * @param offset index of the first float
     * @param length number of floats
     * @param plane0 receives plane 0, one word per 64 floats
     * @param at0    index of the first plane-0 word
     * @param plane1 receives plane 1 (may be {@code plane0})
     * @param at1    index of the first plane-1 word
     * @param stride distance between consecutive words of one plane, at least 1
     * @return -1, or the index into {@code x} of a NaN in the range (the words written are then
     *         unspecified)
     * @throws IndexOutOfBoundsException if a range is outside its array
     * @throws IllegalArgumentException  if {@code stride < 1}
     * @throws NullPointerException      if {@code engine} is null
     */
    public int packPlanes(GemmEngine engine, float[] x, int offset, int length, long[] plane0, int at0,
                          long[] plane1, int at1, int stride) {
        return packPlanes(masksFor(Objects.requireNonNull(engine, "engine")), x, offset, length, plane0, at0,
                plane1, at1, stride);
    }

    private int packPlanes(CodeMasks masks, float[] x, int offset, int length, long[] plane0, int at0,
                           long[] plane1, int at1, int stride) {
        Objects.checkFromIndexSize(offset, length, x.length);
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        }
        if (length == 0) {
            return -1;
        }
        long span = (long) ((length + 63) / 64 - 1) * stride + 1;
        Objects.checkFromIndexSize(at0, (int) Math.min(span, Integer.MAX_VALUE), plane0.length);
        Objects.checkFromIndexSize(at1, (int) Math.min(span, Integer.MAX_VALUE), plane1.length);
        return masks.quantizeMasks(x, offset, length, precision, termC, termA, termH, termInclusive,
                plane0, at0, plane1, at1, stride);
    }

    /**
     * The codes of all of {@code x}, in a new array; NaN is an IAE naming its index.
     *
     * @param x the floats
     * @return their codes
     */
    public byte[] codes(float[] x) {
        byte[] out = new byte[Objects.requireNonNull(x, "x").length];
        codes(x, 0, x.length, out, 0);
        return out;
    }

    /**
     * Quantizes and packs a row-major float matrix in one pass, writing bit-planes
     * directly (no byte matrix): row {@code r} is {@code x[offset + r*ld + c]}, {@code c < cols}.
     * This is the activation side of a linear layer or of {@code sgemm}'s A operand.
     *
     * @param x      the floats
     * @param offset index of element (0, 0)
     * @param rows   number of rows (N of the product), at least 1
     * @param cols   number of columns (K), at least 1
     * @param ld     leading dimension, {@code >= cols}
     * @return the packed codes, {@link #precision()}
     * @throws IllegalArgumentException for bad dimensions (naming them), a too short array, or a
     *                                  NaN (naming its index)
     */
    public PackedMatrix pack(float[] x, int offset, int rows, int cols, int ld) {
        return pack(Gemm.engine(), x, offset, rows, cols, ld);
    }

    /**
     * {@link #pack(float[], int, int, int, int)} with the packing kernel of {@code engine}'s
     * shape, for products on a pinned engine; the result is the same on every shape.
     *
     * @param engine the engine whose shape packs
     * @param x      the floats
     * @param offset index of element (0, 0)
     * @param rows   number of rows (N of the product), at least 1
     * @param cols   number of columns (K), at least 1
     * @param ld     leading dimension, {@code >= cols}
     * @return the packed codes, {@link #precision()}
     * @throws IllegalArgumentException for bad dimensions (naming them), a too short array, or a
     *                                  NaN (naming its index)
     * @throws NullPointerException     if {@code engine} or {@code x} is null
     */
    public PackedMatrix pack(GemmEngine engine, float[] x, int offset, int rows, int cols, int ld) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(x, "x");
        ActivationPacking.checkRowMajor("x", x.length, offset, rows, cols, ld, "ld");
        return TRUSTED.wrap(ActivationPacking.pack(this, engine, x, offset, rows, cols, ld, "x"));
    }

    /** Throws an IAE naming the first NaN among {@code x[offset + i*stride]}, {@code i < length}. */
    static void checkNoNaN(float[] x, int offset, int length, int stride, String name) {
        for (int i = 0, idx = offset; i < length; i++, idx += stride) {
            if (x[idx] != x[idx]) {
                throw new IllegalArgumentException(name + "[" + idx + "] is NaN");
            }
        }
    }

    private static Precision precisionFor(int count, String name) {
        return switch (count) {
            case 2 -> Precision.TERNARY_UNSIGNED;
            case 3 -> Precision.TWO_BIT;
            default -> throw new IllegalArgumentException(name + " must have 2 (codes {0,1,2}) or 3 (codes {0,1,2,3})"
                    + " entries, got " + count);
        };
    }

    private static void checkScale(float scale) {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
    }

    /**
     * Equal when kind, precision, parameters (alphas, thresholds or clip) and scale are, so
     * equal quantizers give equal codes.
     *
     * @param o the other object
     * @return whether {@code o} is the same quantizer
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationQuantizer q && kind == q.kind && precision == q.precision
                && Float.compare(scale, q.scale) == 0 && Arrays.equals(params, q.params);
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of kind, precision, parameters and scale
     */
    @Override
    public int hashCode() {
        return Objects.hash(kind, precision, scale, Arrays.hashCode(params));
    }

    /**
     * Kind, precision, parameters and scale, for messages and logs.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "ActivationQuantizer[" + kind + ", " + precision + ", params " + Arrays.toString(params)
                + ", scale " + scale + "]";
    }
}

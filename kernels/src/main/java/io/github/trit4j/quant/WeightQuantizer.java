package io.github.trit4j.quant;

import io.github.trit4j.Precision;

import java.util.Arrays;
import java.util.Objects;

/**
 * Maps float weights, one output channel at a time, to ternary {-1,0,1} (or binary
 * {-1,+1}) codes with a per-output-channel scale.
 *
 * <h2>Kinds</h2>
 * <ul>
 *   <li>{@link #fatnn(float, float, boolean, float...)} FATNN's "full range" quantizer
 *   (docs/DESIGN.md, <i>Quantizers</i>) from learned {@code a0, a1 > 0}, with R = round half to even
 *   ({@link Math#rint}, as {@code torch.round}):
 *   {@code y = R(clip(a0*w, -1, 0)) + R(clip(a1*w, 0, 1))}, i.e. {@code -1} when
 *   {@code a0*w < -0.5f}, {@code +1} when {@code a1*w > 0.5f}, else 0 (products in float;
 *   a tie at -0.5 / 0.5 gives 0). Scales are given (exported by training).</li>
 *   <li>{@link #fatnnThresholds(float, float, boolean, float...)} the same from thresholds
 *   {@code tNeg <= 0 <= tPos}: {@code -1} when {@code w < tNeg}, {@code +1} when {@code w > tPos},
 *   else 0 (a value equal to a threshold gives 0).</li>
 *   <li>{@link #twn()} the conventional ternary baseline (TWN, Li and Liu 2016), per channel:
 *   {@code delta = 0.7 * mean|w|}, code {@code sign(w)} where {@code |w| > delta}, else 0;
 *   scale = mean of {@code |w|} over the non-zero codes (1 if there are none). Sums in double.</li>
 *   <li>{@link #sign()} binarisation (XNOR-Net): code {@code -1} for {@code w < 0}, {@code +1}
 *   otherwise ({@code 0.0} and {@code -0.0} give +1); scale = mean|w| of the channel (1 if it is 0).</li>
 * </ul>
 *
 * <p>Normalisation (FATNN kinds, optional): each channel is first replaced by
 * {@code (w - mean) / std} with the mean and population standard deviation of that channel
 * computed in double, the result rounded to float; a channel with {@code std == 0} normalises
 * to all zeros. The scale is not changed by normalisation: it is the float value of code 1,
 * as exported.
 *
 * <p>NaN weights are an {@link IllegalArgumentException} naming the index. With the FATNN kinds,
 * whose scales are given, infinities quantize like very large values (with normalisation a
 * channel containing an infinity is rejected, as its mean is not finite); {@link #twn()} and
 * {@link #sign()} fit their scales to {@code |w|} and refuse an infinite weight, naming its
 * index. Instances are immutable and thread-safe.
 */
public final class WeightQuantizer {

    private enum Kind { FATNN_ALPHAS, FATNN_THRESHOLDS, TWN, SIGN }

    private final Kind kind;
    private final float p0;
    private final float p1;
    private final boolean normalize;
    private final float[] scales;

    private WeightQuantizer(Kind kind, float p0, float p1, boolean normalize, float[] scales) {
        this.kind = kind;
        this.p0 = p0;
        this.p1 = p1;
        this.normalize = normalize;
        this.scales = scales;
    }

    /**
     * FATNN's weight quantizer from learned alphas.
     *
     * @param a0        step of the negative half, finite and {@code > 0}
     * @param a1        step of the positive half, finite and {@code > 0}
     * @param normalize whether to normalise each channel to zero mean, unit std first
     * @param scales    the float value of code 1: one per output channel, or one for all
     * @return the quantizer
     * @throws IllegalArgumentException naming the parameter and value when one is out of range
     */
    public static WeightQuantizer fatnn(float a0, float a1, boolean normalize, float... scales) {
        checkPositive("a0", a0);
        checkPositive("a1", a1);
        return new WeightQuantizer(Kind.FATNN_ALPHAS, a0, a1, normalize, checkScales(scales));
    }

    /**
     * FATNN's weight quantizer from thresholds.
     *
     * @param tNeg      finite, {@code <= 0}: below it a weight is -1
     * @param tPos      finite, {@code >= 0}: above it a weight is +1
     * @param normalize whether to normalise each channel to zero mean, unit std first
     * @param scales    one per output channel, or one for all; finite and {@code > 0}
     * @return the quantizer
     * @throws IllegalArgumentException naming the parameter and value when one is out of range
     */
    public static WeightQuantizer fatnnThresholds(float tNeg, float tPos, boolean normalize, float... scales) {
        if (!Float.isFinite(tNeg) || tNeg > 0) {
            throw new IllegalArgumentException("tNeg must be finite and <= 0, got " + tNeg);
        }
        if (!Float.isFinite(tPos) || tPos < 0) {
            throw new IllegalArgumentException("tPos must be finite and >= 0, got " + tPos);
        }
        return new WeightQuantizer(Kind.FATNN_THRESHOLDS, tNeg, tPos, normalize, checkScales(scales));
    }

    /**
     * The TWN baseline: threshold 0.7 * mean|w| and a fitted scale, per channel.
     *
     * @return the quantizer (TERNARY codes)
     */
    public static WeightQuantizer twn() {
        return new WeightQuantizer(Kind.TWN, 0, 0, false, null);
    }

    /**
     * Sign binarisation with scale mean|w| per channel, giving {@link Precision#BINARY} codes.
     *
     * @return the quantizer
     */
    public static WeightQuantizer sign() {
        return new WeightQuantizer(Kind.SIGN, 0, 0, false, null);
    }

    /**
     * {@link Precision#BINARY} for {@link #sign()}, {@link Precision#TERNARY} otherwise.
     *
     * @return the precision of the codes {@link #quantize} gives
     */
    public Precision precision() {
        return kind == Kind.SIGN ? Precision.BINARY : Precision.TERNARY;
    }

    /**
     * Quantizes a {@code rows x (weights.length / rows)} matrix, one row per output channel,
     * row-major ({@code weights[o * cols + i]}); each row gets its own scale.
     *
     * @param weights the float weights, row-major; not retained
     * @param rows    number of rows (output channels), at least 1
     * @return the codes and one scale per row
     * @throws IllegalArgumentException if {@code rows < 1}, the length is not a positive
     *                                  multiple of it, the scales do not match the row count,
     *                                  a weight is NaN, or (TWN, sign) infinite (naming its index)
     */
    public QuantizedWeights quantize(float[] weights, int rows) {
        Objects.requireNonNull(weights, "weights");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        if (weights.length == 0 || weights.length % rows != 0) {
            throw new IllegalArgumentException("weights.length = " + weights.length
                    + " is not a positive multiple of rows = " + rows);
        }
        if (scales != null && scales.length != 1 && scales.length != rows) {
            throw new IllegalArgumentException("scales.length = " + scales.length + " but rows = " + rows
                    + " (give one scale per row, or one for all)");
        }
        ActivationQuantizer.checkNoNaN(weights, 0, weights.length, 1, "weights");
        if (kind == Kind.TWN || kind == Kind.SIGN) {
            for (int i = 0; i < weights.length; i++) {
                if (Float.isInfinite(weights[i])) {
                    throw new IllegalArgumentException("weights[" + i + "] is " + weights[i] + "; " + this
                            + " fits its scale to |w|, which must be finite");
                }
            }
        }
        int per = weights.length / rows;
        byte[] codes = new byte[weights.length];
        float[] outScales = new float[rows];
        float[] buf = new float[per];
        for (int o = 0; o < rows; o++) {
            int base = o * per;
            System.arraycopy(weights, base, buf, 0, per);
            if (normalize) {
                normalizeChannel(buf, o, base);
            }
            switch (kind) {
                case FATNN_ALPHAS -> {
                    for (int i = 0; i < per; i++) {
                        float w = buf[i];
                        codes[base + i] = (byte) (p0 * w < -0.5f ? -1 : (p1 * w > 0.5f ? 1 : 0));
                    }
                    outScales[o] = scales.length == 1 ? scales[0] : scales[o];
                }
                case FATNN_THRESHOLDS -> {
                    for (int i = 0; i < per; i++) {
                        float w = buf[i];
                        codes[base + i] = (byte) (w < p0 ? -1 : (w > p1 ? 1 : 0));
                    }
                    outScales[o] = scales.length == 1 ? scales[0] : scales[o];
                }
                case TWN -> {
                    double sumAbs = 0;
                    for (int i = 0; i < per; i++) {
                        sumAbs += Math.abs((double) buf[i]);
                    }
                    double delta = 0.7 * sumAbs / per;
                    double kept = 0;
                    int count = 0;
                    for (int i = 0; i < per; i++) {
                        double a = Math.abs((double) buf[i]);
                        if (a > delta) {
                            codes[base + i] = (byte) (buf[i] < 0 ? -1 : 1);
                            kept += a;
                            count++;
                        }
                    }
                    outScales[o] = fittedScale(count == 0 ? 0 : kept / count, o);
                }
                case SIGN -> {
                    double sumAbs = 0;
                    for (int i = 0; i < per; i++) {
                        codes[base + i] = (byte) (buf[i] < 0 ? -1 : 1);
                        sumAbs += Math.abs((double) buf[i]);
                    }
                    outScales[o] = fittedScale(sumAbs / per, o);
                }
                default -> throw new AssertionError(kind);
            }
        }
        return new QuantizedWeights(precision(), rows, per, codes, outScales);
    }

    private static float fittedScale(double mean, int o) {
        if (mean == 0) {
            return 1f;
        }
        float s = (float) mean;
        if (!Float.isFinite(s) || !(s > 0)) {
            throw new IllegalArgumentException("channel " + o + ": fitted scale " + mean + " is not a finite positive"
                    + " float");
        }
        return s;
    }

    private static void normalizeChannel(float[] buf, int o, int base) {
        double sum = 0;
        for (float w : buf) {
            sum += w;
        }
        double mean = sum / buf.length;
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("channel " + o + " (weights[" + base + ".."
                    + (base + buf.length - 1) + "]) has a non-finite mean and cannot be normalised");
        }
        double var = 0;
        for (float w : buf) {
            double d = w - mean;
            var += d * d;
        }
        double std = Math.sqrt(var / buf.length);
        for (int i = 0; i < buf.length; i++) {
            buf[i] = std == 0 ? 0f : (float) ((buf[i] - mean) / std);
        }
    }

    private static void checkPositive(String name, float v) {
        if (!(v > 0) || !Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    private static float[] checkScales(float[] scales) {
        Objects.requireNonNull(scales, "scales");
        if (scales.length == 0) {
            throw new IllegalArgumentException("scales must have one entry per channel, or one, got none");
        }
        float[] s = scales.clone();
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0) || !Float.isFinite(s[i])) {
                throw new IllegalArgumentException("scales[" + i + "] must be finite and > 0, got " + s[i]);
            }
        }
        return s;
    }

    /**
     * Equal when kind, parameters, normalisation and scales are, so equal quantizers give equal
     * codes and scales.
     *
     * @param o the other object
     * @return whether {@code o} is the same quantizer
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof WeightQuantizer q && kind == q.kind && Float.compare(p0, q.p0) == 0
                && Float.compare(p1, q.p1) == 0 && normalize == q.normalize && Arrays.equals(scales, q.scales);
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of kind, parameters, normalisation and scales
     */
    @Override
    public int hashCode() {
        return Objects.hash(kind, p0, p1, normalize, Arrays.hashCode(scales));
    }

    /**
     * Kind and normalisation, for messages and logs.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "WeightQuantizer[" + kind + (normalize ? ", normalised" : "") + "]";
    }
}

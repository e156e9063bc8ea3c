package io.github.trit4j;

import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The quantizers equal docs/DESIGN.md's Quantizers section written literally in float Java, on every path, ties and infinities included. */
class QuantizerPropertiesTest {

    /** Alphas in (0.05, 20]. */
    static Gen<Float> alphas() {
        return floats().between(0.05f, 20f);
    }

    /** Inputs: ordinary values, the exact tie points of {@code a}, zeros, infinities, huge values. */
    static float[] inputs(float[] a, long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] ties = new float[a.length * 2];
        float off = 0f;
        for (int i = 0; i < a.length; i++) {
            ties[2 * i] = off + 0.5f / a[i];
            ties[2 * i + 1] = Math.nextUp(off + 0.5f / a[i]);
            off += 1f / a[i];
        }
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.MIN_VALUE, 1e30f, -1f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (rnd.nextInt(4)) {
                case 0 -> ties[rnd.nextInt(ties.length)];
                case 1 -> specials[rnd.nextInt(specials.length)];
                default -> (float) (rnd.nextDouble() * 4 * off - 0.5 * off);
            };
        }
        return x;
    }

    @Test
    void fatnnActivationsEqualTheFormula() {
        qt().withExamples(300).forAll(alphas(), alphas(), alphas(), longs().all())
                .checkAssert((a0, a1, a2, seed) -> {
                    for (float[] a : new float[][] {{a0, a1}, {a0, a1, a2}}) {
                        ActivationQuantizer q = ActivationQuantizer.fatnn(0.25f, a);
                        assertEquals(a.length == 2 ? Precision.TERNARY_UNSIGNED : Precision.TWO_BIT, q.precision());
                        float[] x = inputs(a, seed, 64);
                        byte[] codes = q.codes(x);
                        for (int i = 0; i < x.length; i++) {
                            int expected = ReferenceQuantizers.fatnnActivation(x[i], a);
                            assertEquals(expected, codes[i], "x = " + x[i] + " alphas " + Arrays.toString(a));
                            assertEquals(expected, q.code(x[i]));
                        }
                        // the fused packer agrees with the codes
                        byte[] unpacked = q.pack(x, 0, 8, 8, 8).unpack();
                        assertArrayEquals(codes, unpacked);
                    }
                });
    }

    @Test
    void thresholdsAndUniformEqualTheFormula() {
        qt().withExamples(300).forAll(floats().between(0f, 3f), floats().between(0.01f, 3f),
                        floats().between(0.01f, 3f), longs().all())
                .checkAssert((t0, d1, d2, seed) -> {
                    float[] t = {t0, t0 + d1, t0 + d1 + d2};
                    float[] two = {t[0], t[1]};
                    ActivationQuantizer q3 = ActivationQuantizer.fatnnThresholds(1f, t);
                    ActivationQuantizer q2 = ActivationQuantizer.fatnnThresholds(1f, two);
                    ActivationQuantizer u3 = ActivationQuantizer.uniform(Precision.TWO_BIT, t[2]);
                    ActivationQuantizer u2 = ActivationQuantizer.uniform(Precision.TERNARY_UNSIGNED, t[1]);
                    float[] x = inputs(new float[] {1f / t[2], 1f / t[2], 1f / t[2]}, seed, 64);
                    x[0] = t[0];
                    x[1] = t[1];
                    x[2] = t[2] / 3 * 1.5f; // a uniform tie (1.5 steps), rounds half to even
                    for (float v : x) {
                        assertEquals(ReferenceQuantizers.thresholds(v, t), q3.code(v));
                        assertEquals(ReferenceQuantizers.thresholds(v, two), q2.code(v));
                        assertEquals(ReferenceQuantizers.uniform(v, 3, t[2]), u3.code(v), "x = " + v);
                        assertEquals(ReferenceQuantizers.uniform(v, 2, t[1]), u2.code(v), "x = " + v);
                    }
                    assertArrayEquals(q3.codes(x), q3.pack(x, 0, 4, 16, 16).unpack());
                    assertArrayEquals(u2.codes(x), u2.pack(x, 0, 4, 16, 16).unpack());
                });
    }

    @Test
    void tiesInfinitiesAndZero() {
        ActivationQuantizer q = ActivationQuantizer.fatnn(1f, 2f, 2f); // thresholds 0.25, 0.75
        assertEquals(0, q.code(0.25f), "a tie at 0.5 rounds half to even: down");
        assertEquals(1, q.code(Math.nextUp(0.25f)));
        assertEquals(1, q.code(0.75f));
        assertEquals(2, q.code(Float.POSITIVE_INFINITY));
        assertEquals(0, q.code(Float.NEGATIVE_INFINITY));
        assertEquals(0, q.code(0f));
        assertEquals(0, q.code(-0f));
        ActivationQuantizer u = ActivationQuantizer.uniform(Precision.TWO_BIT, 3f);
        assertEquals(0, u.code(0.5f));
        assertEquals(2, u.code(1.5f));
        assertEquals(2, u.code(2.5f));
        assertEquals(3, u.code(Float.POSITIVE_INFINITY));
        assertEquals(1f, u.scale());
        WeightQuantizer w = WeightQuantizer.fatnn(2f, 4f, false, 1f); // thresholds -0.25, +0.125
        byte[] codes = w.quantize(new float[] {-0.25f, Math.nextDown(-0.25f), 0.125f, Math.nextUp(0.125f),
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f}, 1).codes();
        assertArrayEquals(new byte[] {0, -1, 0, 1, -1, 1, 0, 0}, codes);
    }

    @Test
    void nanIsRejectedNamingItsIndex() {
        ActivationQuantizer q = ActivationQuantizer.fatnn(1f, 1f, 1f);
        float[] x = {0f, 1f, Float.NaN};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> q.codes(x)).getMessage().contains("x[2]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> q.pack(x, 0, 1, 3, 3)).getMessage()
                .contains("x[2]"));
        byte[] out = {9, 9, 9};
        assertThrows(IllegalArgumentException.class, () -> q.codes(x, 0, 3, out, 0));
        assertArrayEquals(new byte[] {9, 9, 9}, out, "nothing written on failure");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> WeightQuantizer.twn().quantize(new float[] {1f, Float.NaN}, 1)).getMessage().contains("[1]"));
    }

    @Test
    void weightQuantizersEqualTheirDefinitions() {
        qt().withExamples(200).forAll(alphas(), alphas(),
                        integers().between(1, 5).zip(integers().between(1, 40), (c, p) -> new int[] {c, p}),
                        longs().all())
                .checkAssert((a0, a1, dims, seed) -> {
                    int channels = dims[0];
                    int per = dims[1];
                    SplittableRandom rnd = new SplittableRandom(seed);
                    float[] w = new float[channels * per];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = rnd.nextInt(5) == 0 ? (rnd.nextBoolean() ? -0.5f / a0 : 0.5f / a1)
                                : (float) rnd.nextGaussian();
                    }
                    float[] scales = new float[channels];
                    Arrays.fill(scales, 0.5f);
                    byte[] fatnn = WeightQuantizer.fatnn(a0, a1, false, scales).quantize(w, channels).codes();
                    byte[] thr = WeightQuantizer.fatnnThresholds(-0.3f, 0.4f, false, 1f).quantize(w, channels).codes();
                    QuantizedWeights twn = WeightQuantizer.twn().quantize(w, channels);
                    QuantizedWeights sign = WeightQuantizer.sign().quantize(w, channels);
                    QuantizedWeights norm = WeightQuantizer.fatnn(a0, a1, true, 2f).quantize(w, channels);
                    assertEquals(Precision.BINARY, sign.precision());
                    for (int o = 0; o < channels; o++) {
                        double sumAbs = 0;
                        double mean = 0;
                        for (int i = 0; i < per; i++) {
                            sumAbs += Math.abs((double) w[o * per + i]);
                            mean += w[o * per + i];
                        }
                        mean /= per;
                        double var = 0;
                        for (int i = 0; i < per; i++) {
                            var += (w[o * per + i] - mean) * (w[o * per + i] - mean);
                        }
                        double std = Math.sqrt(var / per);
                        double delta = 0.7 * sumAbs / per;
                        double kept = 0;
                        int count = 0;
                        for (int i = 0; i < per; i++) {
                            int idx = o * per + i;
                            float v = w[idx];
                            assertEquals(ReferenceQuantizers.fatnnWeight(v, a0, a1), fatnn[idx]);
                            assertEquals(v < -0.3f ? -1 : v > 0.4f ? 1 : 0, thr[idx]);
                            int t = Math.abs((double) v) > delta ? (v < 0 ? -1 : 1) : 0;
                            assertEquals(t, twn.codes()[idx]);
                            if (t != 0) {
                                kept += Math.abs((double) v);
                                count++;
                            }
                            assertEquals(v < 0 ? -1 : 1, sign.codes()[idx]);
                            float nv = std == 0 ? 0f : (float) ((v - mean) / std);
                            assertEquals(ReferenceQuantizers.fatnnWeight(nv, a0, a1), norm.codes()[idx]);
                        }
                        assertEquals(count == 0 ? 1f : (float) (kept / count), twn.scale(o));
                        assertEquals(sumAbs == 0 ? 1f : (float) (sumAbs / per), sign.scale(o));
                        assertEquals(0.5f, WeightQuantizer.fatnn(a0, a1, false, scales).quantize(w, channels).scale(o));
                        assertEquals(2f, norm.scale(o));
                    }
                });
    }

    @Test
    void badParametersNameThemselves() {
        List<Runnable> bad = List.of(
                () -> ActivationQuantizer.fatnn(0f, 1f, 1f),
                () -> ActivationQuantizer.fatnn(1f, 1f, -1f),
                () -> ActivationQuantizer.fatnn(1f, 1f),
                () -> ActivationQuantizer.fatnn(Float.NaN, 1f, 1f),
                () -> ActivationQuantizer.fatnnThresholds(1f, 1f, 0.5f),
                () -> ActivationQuantizer.fatnnThresholds(1f, -1f, 0.5f),
                () -> ActivationQuantizer.uniform(Precision.TERNARY, 1f),
                () -> ActivationQuantizer.uniform(Precision.TWO_BIT, Float.POSITIVE_INFINITY),
                () -> WeightQuantizer.fatnn(1f, 0f, false, 1f),
                () -> WeightQuantizer.fatnn(1f, 1f, false, Float.POSITIVE_INFINITY),
                () -> WeightQuantizer.fatnnThresholds(0.1f, 0.2f, false, 1f),
                () -> WeightQuantizer.fatnn(1f, 1f, false, 1f, 1f, 1f).quantize(new float[4], 2),
                () -> WeightQuantizer.twn().quantize(new float[5], 2));
        String[] names = {"scale", "alphas[1]", "alphas", "scale", "thresholds[1]", "thresholds[0]", "precision",
                "clip", "a1", "scales[0]", "tNeg", "scales.length", "rows"};
        for (int i = 0; i < bad.size(); i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.get(i)::run);
            String name = names[i];
            assertTrue(e.getMessage().contains(name), () -> "'" + e.getMessage() + "' should name " + name);
        }
    }

    /**
     * The bulk, branch-free path ({@code codesAllowingNaN}, used by the fused conv packer and by
     * {@code codes}) equals {@code code(x)} for every kind, on random values, the thresholds
     * themselves and their float neighbours, signed zeros and infinities.
     */
    /** One quantizer of each kind and precision from three step parameters (thresholds 0.5/a0, ...). */
    private static ActivationQuantizer[] everyKind(float a0, float a1, float a2) {
        float t0 = 0.5f / a0;
        float t1 = t0 + 0.5f / a1;
        float t2 = t1 + 0.5f / a2;
        return new ActivationQuantizer[] {
                ActivationQuantizer.fatnn(0.25f, a0, a1),
                ActivationQuantizer.fatnn(0.25f, a0, a1, a2),
                ActivationQuantizer.fatnnThresholds(1f, t0, t1),
                ActivationQuantizer.fatnnThresholds(1f, t0, t1, t2),
                ActivationQuantizer.uniform(Precision.TERNARY_UNSIGNED, t1),
                ActivationQuantizer.uniform(Precision.TWO_BIT, t2),
        };
    }

    @Test
    void bulkCodesEqualTheScalarCodeForEveryKind() {
        qt().withExamples(300).forAll(alphas(), alphas(), alphas(), longs().all())
                .checkAssert((a0, a1, a2, seed) -> {
                    float t0 = 0.5f / a0;
                    float t1 = t0 + 0.5f / a1;
                    float t2 = t1 + 0.5f / a2;
                    ActivationQuantizer[] qs = everyKind(a0, a1, a2);
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                    float[] x = new float[100];
                    float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, t0, t1, t2,
                            Math.nextUp(t0), Math.nextDown(t0), Math.nextUp(t1), Math.nextDown(t1), 1f / a0,
                            Math.nextUp(1f / a0), Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};
                    for (int i = 0; i < x.length; i++) {
                        x[i] = i < special.length ? special[i] : (float) (rnd.nextDouble() * 1.2 * t2 - 0.1 * t2);
                    }
                    for (ActivationQuantizer q : qs) {
                        byte[] bulk = new byte[x.length + 3];
                        q.codesAllowingNaN(x, 0, x.length, bulk, 3);
                        for (int i = 0; i < x.length; i++) {
                            assertEquals(q.code(x[i]), bulk[3 + i], q + " at x = " + x[i]);
                        }
                    }
                });
    }

    /**
     * The fused quantize-and-pack path ({@code packPlanes}, vector compares where the vector
     * module is present) writes the planes {@link PackedMatrix#pack} makes of {@code code(x)},
     * for every kind, on lengths around the 64-value groups and vector widths, misaligned
     * offsets, strided words, the cuts themselves and their float neighbours (ties), signed
     * zeros and infinities; a NaN anywhere is reported by its index.
     */
    @Test
    void packedPlanesEqualThePackedScalarCodes() {
        qt().withExamples(300).forAll(alphas(), alphas(), integers().between(1, 300), longs().all())
                .checkAssert((a0, a1, len, seed) -> {
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                    float a2 = 0.2f + 4 * rnd.nextFloat();
                    float t0 = 0.5f / a0;
                    float t1 = t0 + 0.5f / a1;
                    float t2 = t1 + 0.5f / a2;
                    ActivationQuantizer[] qs = everyKind(a0, a1, a2);
                    float s2 = 2f / t1;
                    float s3 = 3f / t2;
                    float[] cuts = {t0, t1, t2, 1f / a0, 1f / a0 + 0.5f / a1, 0.5f / s2, 1.5f / s2, 0.5f / s3,
                            1.5f / s3, 2.5f / s3};
                    int off = rnd.nextInt(70);
                    float[] x = new float[off + len + 3];
                    for (int i = 0; i < x.length; i++) {
                        float v = switch (rnd.nextInt(6)) {
                            case 0 -> cuts[rnd.nextInt(cuts.length)];
                            case 1 -> Math.nextUp(cuts[rnd.nextInt(cuts.length)]);
                            case 2 -> Math.nextDown(cuts[rnd.nextInt(cuts.length)]);
                            case 3 -> new float[] {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}[rnd.nextInt(7)];
                            default -> (float) (rnd.nextDouble() * 1.2 * t2 - 0.1 * t2);
                        };
                        x[i] = v;
                    }
                    int stride = 1 + rnd.nextInt(3);
                    int groups = (len + 63) / 64;
                    for (ActivationQuantizer q : qs) {
                        byte[] codes = new byte[len];
                        for (int i = 0; i < len; i++) {
                            codes[i] = (byte) q.code(x[off + i]);
                        }
                        long[] expected = PackedMatrix.pack(q.precision(), codes, 1, len).bits();
                        int words = PackedMatrix.wordsPerRowFor(len);
                        long[] p0 = new long[2 + groups * stride];
                        long[] p1 = new long[2 + groups * stride];
                        assertEquals(-1, q.packPlanes(x, off, len, p0, 2, p1, 1, stride));
                        for (int g = 0; g < groups; g++) {
                            int gg = g;
                            assertEquals(expected[g], p0[2 + g * stride],
                                    () -> q + " plane 0, group " + gg + ", len " + len + ", off " + off);
                            assertEquals(expected[words + g], p1[1 + g * stride],
                                    () -> q + " plane 1, group " + gg + ", len " + len + ", off " + off);
                        }
                        int nan = off + rnd.nextInt(len);
                        float[] saved = x.clone();
                        x[nan] = Float.NaN;
                        if (rnd.nextBoolean() && nan + 1 < off + len) {
                            x[nan + 1] = Float.NaN; // the first NaN is the one reported
                        }
                        assertEquals(nan, q.packPlanes(x, off, len, p0, 2, p1, 1, stride), q + " NaN index");
                        System.arraycopy(saved, 0, x, 0, x.length);
                    }
                });
    }
}

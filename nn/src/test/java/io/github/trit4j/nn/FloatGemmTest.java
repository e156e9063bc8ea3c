package io.github.trit4j.nn;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;

import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import io.github.trit4j.nn.gemm.PanelPrepared;
import io.github.trit4j.nn.internal.WindowProduct;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Both float GEMMs (the JVM's default and the scalar one) against a double reference: each
 * element within 1e-5 of {@code sum |a||b|} (float32 rounding of K products), elements outside
 * the output window untouched.
 */
class FloatGemmTest {

    @Test
    void matchesDoubleReference() {
        for (FloatGemm gemm : new FloatGemm[] {FloatGemm.javaDefault(), FloatGemm.scalar()}) {
            qt().withExamples(80).forAll(integers().between(1, 37), integers().between(1, 41), integers().between(1, 300),
                    integers().between(1, 3)).checkAssert((m, n, k, threads) -> {
                        SplittableRandom r = new SplittableRandom(m * 100_000L + n * 1000 + k);
                        float[] a = Naive.randomFloats(r, m * k, 1);
                        float[] b = Naive.randomFloats(r, n * k, 1);
                        int off = 3;
                        float[] c = new float[off + m * n + 2];
                        java.util.Arrays.fill(c, 42f);
                        gemm.prepare(a, m, k).multiply(b, n, c, off, Gemm.engine().withThreads(threads));
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = 0;
                                double mag = 0;
                                for (int q = 0; q < k; q++) {
                                    s += (double) a[i * k + q] * b[j * k + q];
                                    mag += Math.abs((double) a[i * k + q] * b[j * k + q]);
                                }
                                assertEquals(s, c[off + i * n + j], 1e-5 * (1 + mag),
                                        gemm.name() + " " + m + "x" + n + "x" + k + " at " + i + "," + j);
                            }
                        }
                        assertEquals(42f, c[0]);
                        assertEquals(42f, c[off - 1]);
                        assertEquals(42f, c[off + m * n]);
                    });
        }
    }

    @Test
    void rejectsBadSizes() {
        FloatGemm g = FloatGemm.javaDefault();
        assertThrows(IllegalArgumentException.class, () -> g.prepare(new float[5], 2, 3));
        FloatGemm.Prepared p = g.prepare(new float[6], 2, 3);
        GemmEngine one = Gemm.engine().withThreads(1);
        assertThrows(IllegalArgumentException.class, () -> p.multiply(new float[5], 2, new float[4], 0, one));
        assertThrows(IllegalArgumentException.class, () -> p.multiply(new float[6], 2, new float[3], 0, one));
        assertThrows(IllegalArgumentException.class, () -> p.multiply(new float[6], 0, new float[4], 0, one));
        assertThrows(NullPointerException.class, () -> p.multiply(new float[6], 2, new float[4], 0, null));
    }

    /**
     * {@link io.github.trit4j.nn.gemm.Fp32VectorGemm}'s public entries check their sizes: no
     * ArithmeticException from a packed length that overflows, no B of the wrong length accepted
     * (it failed later inside the kernel), no M*N that wraps around int (65536 x 65536 took an
     * empty C), nulls named.
     */
    @Test
    void vectorGemmEntriesCheckTheirSizes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        GemmEngine one = Gemm.engine().withThreads(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fp32VectorGemm.packedBLength(1 << 20, 1 << 20));
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fp32VectorGemm.packedBLength(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> Fp32VectorGemm.packedBLength(8, 0));
        Fp32VectorGemm w = Fp32VectorGemm.packWeights(new float[4], 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> w.withB(new float[1], 2));
        assertTrue(e.getMessage().contains("b.length is 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.withB(new float[1], 20));
        assertEquals("b", assertThrows(NullPointerException.class, () -> w.withB(null, 2)).getMessage());
        assertEquals("bPacked", assertThrows(NullPointerException.class, () -> w.withPackedB(null, 20)).getMessage());
        assertEquals("a", assertThrows(NullPointerException.class,
                () -> Fp32VectorGemm.prepare(null, new float[1], 1, 1, 1)).getMessage());
        assertEquals("b", assertThrows(NullPointerException.class,
                () -> Fp32VectorGemm.prepare(new float[1], null, 1, 1, 1)).getMessage());
        assertEquals("a", assertThrows(NullPointerException.class,
                () -> Fp32VectorGemm.packWeights(null, 1, 1)).getMessage());
        Fp32VectorGemm wide = Fp32VectorGemm.prepare(new float[65536], new float[65536], 65536, 65536, 1);
        e = assertThrows(IllegalArgumentException.class, () -> wide.multiply(new float[0], one));
        assertTrue(e.getMessage().contains("4294967296"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.multiply(new float[4], one));
        assertTrue(e.getMessage().contains("withB"), e.getMessage());
    }

    /**
     * {@link PanelPrepared#multiplyPanelColumns}: a block of columns written into a wider C (row
     * stride ldc), partial last panel, everything outside the block untouched; bad arguments
     * rejected before anything is written.
     */
    @Test
    void panelColumnBlocksMatchDoubleReference() {
        if (!(FloatGemm.javaDefault().prepare(new float[1], 1, 1) instanceof PanelPrepared)) {
            return; // the scalar GEMM (no vector module) takes no panels
        }
        qt().withExamples(60).forAll(integers().between(1, 37), integers().between(1, 70), integers().between(1, 300),
                integers().between(0, 9)).checkAssert((m, cols, k, extra) -> {
                    SplittableRandom r = new SplittableRandom(m * 100_000L + cols * 1000 + k + extra);
                    float[] a = Naive.randomFloats(r, m * k, 1);
                    float[] b = Naive.randomFloats(r, cols * k, 1);
                    PanelPrepared p = (PanelPrepared) FloatGemm.javaDefault().prepare(a, m, k);
                    int nr = p.panelWidth();
                    float[] panels = new float[(cols + nr - 1) / nr * nr * k];
                    for (int j = 0; j < cols; j++) {
                        for (int q = 0; q < k; q++) {
                            panels[((j / nr) * k + q) * nr + j % nr] = b[j * k + q];
                        }
                    }
                    int ldc = cols + extra;
                    int off = 2 + extra;
                    float[] c = new float[off + m * ldc + 1];
                    java.util.Arrays.fill(c, 42f);
                    p.multiplyPanelColumns(panels, cols, c, off, ldc);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < ldc; j++) {
                            if (j >= cols) {
                                assertEquals(42f, c[off + i * ldc + j], "outside the block at " + i + "," + j);
                                continue;
                            }
                            double s = 0;
                            double mag = 0;
                            for (int q = 0; q < k; q++) {
                                s += (double) a[i * k + q] * b[j * k + q];
                                mag += Math.abs((double) a[i * k + q] * b[j * k + q]);
                            }
                            assertEquals(s, c[off + i * ldc + j], 1e-5 * (1 + mag), m + "x" + cols + "x" + k + " at "
                                    + i + "," + j);
                        }
                    }
                    assertEquals(42f, c[off - 1]);
                    assertEquals(42f, c[c.length - 1]);
                });
        PanelPrepared p = (PanelPrepared) FloatGemm.javaDefault().prepare(new float[6], 2, 3);
        int nr = p.panelWidth();
        float[] c = new float[20];
        assertThrows(IllegalArgumentException.class, () -> p.multiplyPanelColumns(new float[nr * 3 - 1], 1, c, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> p.multiplyPanelColumns(new float[nr * 3], 0, c, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> p.multiplyPanelColumns(new float[nr * 3], 2, c, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> p.multiplyPanelColumns(new float[nr * 3], 2, c, 0, 19));
        assertThrows(IllegalArgumentException.class, () -> p.multiplyPanelColumns(new float[nr * 3], 2, c, -1, 2));
        for (float v : c) {
            assertEquals(0f, v);
        }
    }

    /**
     * {@link WindowProduct#multiplyWindows} against the same GEMM's {@link PanelPrepared#multiplyPanelColumns}
     * on the patch matrix built from the same windows, bit for bit: random M, K up to the largest
     * it takes, output widths below, at and above a vector and a tile, several output rows from a
     * row other than 0, random row strides and tap offsets (repeated and unordered), a wider C
     * (ldc) whose other elements stay untouched. Non-finite and signed-zero products included.
     */
    @Test
    void windowsEqualPanelColumnsBitForBit() {
        if (!(FloatGemm.javaDefault().prepare(new float[1], 1, 1) instanceof WindowProduct w1)) {
            return; // the scalar GEMM (no vector module) has no window product
        }
        assertEquals(false, w1.takesWindows(2));
        qt().withExamples(120).forAll(integers().between(1, 37), integers().between(1, 256), integers().between(1, 70),
                integers().between(0, 1 << 20)).checkAssert((m, k, ow, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed * 31L + m * 1000 + k + ow * 7);
                    float[] a = Naive.randomFloats(r, m * k, 1);
                    FloatGemm.Prepared prepared = FloatGemm.javaDefault().prepare(a, m, k);
                    WindowProduct w = (WindowProduct) prepared;
                    PanelPrepared p = (PanelPrepared) prepared;
                    assertEquals(true, w.takesWindows(k));
                    int oy0 = r.nextInt(3);
                    int oy1 = oy0 + 1 + r.nextInt(4);
                    int rowStride = ow + r.nextInt(40);
                    int[] taps = new int[k];
                    int maxTap = 0;
                    for (int t = 0; t < k; t++) {
                        taps[t] = r.nextInt(3 * rowStride + 10);
                        maxTap = Math.max(maxTap, taps[t]);
                    }
                    int len = (oy1 - 1) * rowStride + ow + maxTap + w.windowSlack();
                    float[] src = Naive.randomFloats(r, len, 2);
                    for (int i = 0; i < 3; i++) {
                        src[r.nextInt(len)] = switch (r.nextInt(3)) {
                            case 0 -> Float.POSITIVE_INFINITY;
                            case 1 -> -0f;
                            default -> Float.NaN;
                        };
                    }
                    int cols = (oy1 - oy0) * ow;
                    int nr = p.panelWidth();
                    float[] panels = new float[(cols + nr - 1) / nr * nr * k];
                    for (int oy = oy0; oy < oy1; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int j = (oy - oy0) * ow + ox;
                            for (int q = 0; q < k; q++) {
                                panels[((j / nr) * k + q) * nr + j % nr] = src[oy * rowStride + ox + taps[q]];
                            }
                        }
                    }
                    int ldc = oy1 * ow + r.nextInt(5);
                    int off = 1 + r.nextInt(4);
                    float[] expected = new float[off + m * ldc + 2];
                    java.util.Arrays.fill(expected, 42f);
                    float[] got = expected.clone();
                    p.multiplyPanelColumns(panels, cols, expected, off + oy0 * ow, ldc);
                    w.multiplyWindows(src, taps, rowStride, ow, oy0, oy1, got, off, ldc);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                                m + "x" + ow + "x" + k + " rows [" + oy0 + ", " + oy1 + ") at " + i);
                    }
                });
        WindowProduct w = (WindowProduct) FloatGemm.javaDefault().prepare(new float[6], 2, 3);
        float[] c = new float[40];
        float[] src = new float[64];
        int[] taps = {0, 1, 2};
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, new int[2], 4, 4, 0, 1, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, new int[] {0, -1, 2}, 4, 4, 0, 1, c,
                0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, taps, 4, 4, 1, 1, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, taps, 4, 0, 0, 1, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(new float[4], taps, 4, 4, 0, 1, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, taps, 4, 4, 0, 2, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, taps, 4, 4, 0, 1, c, 36, 4));
        assertThrows(IllegalArgumentException.class, () -> w.multiplyWindows(src, taps, 4, 4, 0, 1, c, -1, 4));
        for (float v : c) {
            assertEquals(0f, v);
        }
        WindowProduct big = (WindowProduct) FloatGemm.javaDefault().prepare(new float[257], 1, 257);
        assertEquals(false, big.takesWindows(257));
    }
}

package io.github.trit4j.nn;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;

import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.PanelPrepared;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
}

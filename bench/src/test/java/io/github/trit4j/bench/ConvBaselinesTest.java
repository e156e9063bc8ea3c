package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study's convolution products against a naive direct convolution (no im2col), on small layers. */
class ConvBaselinesTest {

    /** Small layers: 3x3 pad 1 (the ResNet shape), stride 2, 1x1, a wide kernel, N below the panel switch, odd sizes. */
    static Stream<Arguments> layers() {
        List<ConvShape> shapes = List.of(
                new ConvShape(5, 9, 9, 7, 3, 1, 1),
                new ConvShape(4, 11, 8, 6, 3, 2, 1),
                new ConvShape(9, 6, 7, 5, 1, 1, 0),
                new ConvShape(3, 10, 12, 4, 5, 1, 2),
                new ConvShape(6, 3, 3, 9, 3, 1, 1),   // N = 9
                new ConvShape(7, 4, 2, 3, 3, 3, 1),   // N = 2: along-K paths
                new ConvShape(2, 5, 5, 3, 2, 2, 3));  // padding wider than half the kernel
        List<Arguments> list = new ArrayList<>();
        for (ConvShape s : shapes) {
            for (int threads : new int[] {1, 3}) {
                list.add(Arguments.of(s, threads));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("layers")
    void fp32BaselinesMatchTheDirectConvolution(ConvShape s, int threads) {
        for (StudyPrecision p : List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.FP32_VECTOR)) {
            SplittableRandom random = new SplittableRandom(11);
            float[] w = StudyProducts.randomFloats(random, s.m() * s.k());
            float[] x = StudyProducts.randomFloats(random, s.channels() * s.height() * s.width());
            try (StudyProduct product = p == StudyPrecision.FP32_OPENBLAS
                    ? ConvBaselines.openBlas(OpenBlas.load(OpenBlas.Source.BYTEDECO), s, x, w, threads) : ConvBaselines.fp32Vector(s, x, w, threads)) {
                for (int call = 0; call < 2; call++) { // the second call reuses the buffers
                    product.run();
                    double[] expected = direct(s, toDouble(x), toDouble(w));
                    double[] actual = product.result();
                    assertEquals(expected.length, actual.length);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-5 * s.k() + 1e-5, p + " element " + i);
                    }
                }
                assertTrue(product.kernel().endsWith("+ im2col"), product.kernel());
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("layers")
    void int8BaselineMatchesTheDirectConvolutionExactly(ConvShape s, int threads) {
        SplittableRandom random = new SplittableRandom(12);
        byte[] w = StudyProducts.randomBytes(random, s.m() * s.k());
        byte[] x = StudyProducts.randomBytes(random, s.channels() * s.height() * s.width());
        try (StudyProduct product = ConvBaselines.int8Vector(s, x, w, threads)) {
            product.run();
            product.run();
            assertArrayEquals(direct(s, toDouble(x), toDouble(w)), product.result());
        }
    }

    /** Every trit4j precision through {@code StudyProducts.create} equals the direct convolution of the same draws. */
    @ParameterizedTest
    @EnumSource(StudyPrecision.class)
    void everyPrecisionRunsAConvWorkload(StudyPrecision p) {
        ConvShape s = new ConvShape(6, 9, 8, 10, 3, 1, 1);
        StudyWorkload workload = StudyWorkload.parse(s.id());
        assertEquals(StudyWorkload.Kind.CONV, workload.kind());
        try (StudyProduct product = StudyProducts.create(workload, p, "AUTO", 2)) {
            product.run();
            double[] actual = product.result();
            assertEquals(s.m() * s.n(), actual.length);
            assertFalse(product.kernel().isBlank());
            if (p.isTrit4j()) {
                assertTrue(product.kernel().startsWith("trit4j ") && product.kernel().endsWith(" Conv2d"), product.kernel());
                SplittableRandom random = new SplittableRandom(StudyProducts.SEED);
                byte[] w = StudyProducts.randomValues(random, p.weights, s.m(), s.k());
                byte[] x = StudyProducts.randomValues(random, p.activations, 1, s.channels() * s.height() * s.width());
                assertArrayEquals(direct(s, toDouble(x), toDouble(w)), actual);
            }
        }
    }

    @Test
    void badGeometryIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(0, 4, 4, 4, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(4, 2, 2, 4, 5, 1, 0)); // empty output
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(4, 4, 4, 4, 3, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> ConvBaselines.int8Vector(new ConvShape(2, 4, 4, 2, 3, 1, 1),
                new byte[31], new byte[36], 1));
    }

    /** {@code out[o][oy][ox] = sum_{c,ky,kx} w[o][c][ky][kx] * x[c][oy*s - p + ky][ox*s - p + kx]}, zero outside. */
    static double[] direct(ConvShape s, double[] x, double[] w) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int kn = s.kernel();
        double[] out = new double[s.outChannels() * oh * ow];
        for (int o = 0; o < s.outChannels(); o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    for (int c = 0; c < s.channels(); c++) {
                        for (int ky = 0; ky < kn; ky++) {
                            for (int kx = 0; kx < kn; kx++) {
                                int iy = oy * s.stride() - s.pad() + ky;
                                int ix = ox * s.stride() - s.pad() + kx;
                                if (iy >= 0 && iy < s.height() && ix >= 0 && ix < s.width()) {
                                    sum += w[((o * s.channels() + c) * kn + ky) * kn + kx]
                                            * x[(c * s.height() + iy) * s.width() + ix];
                                }
                            }
                        }
                    }
                    out[(o * oh + oy) * ow + ox] = sum;
                }
            }
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] toDouble(byte[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

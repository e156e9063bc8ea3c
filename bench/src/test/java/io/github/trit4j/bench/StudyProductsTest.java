package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every precision of the study builds, runs and says what ran; workloads parse. */
class StudyProductsTest {

    @ParameterizedTest
    @EnumSource(StudyPrecision.class)
    void everyPrecisionRunsOnASmallWorkload(StudyPrecision precision) {
        StudyWorkload w = StudyWorkload.parse("9x33x200");
        try (StudyProduct p = StudyProducts.create(w, precision, "AUTO", 2)) {
            p.run();
            assertEquals(9 * 33, p.result().length);
            assertFalse(p.kernel().isBlank());
        }
    }

    @Test
    void fp32ImplementationsAgree() {
        StudyWorkload w = StudyWorkload.parse("17x40x300");
        try (StudyProduct blas = StudyProducts.create(w, StudyPrecision.FP32_OPENBLAS, "AUTO", 1);
             StudyProduct vec = StudyProducts.create(w, StudyPrecision.FP32_VECTOR, "AUTO", 1)) {
            blas.run();
            vec.run();
            double[] x = blas.result();
            double[] y = vec.result();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-3, "element " + i);
            }
        }
    }

    /**
     * The resnet18 workload: its MAC count (the stem 64x112x112x147, layer1's four 3x3 convs,
     * each later stage's stride-2 conv, three 3x3 convs and 1x1 downsample, the 512x1000
     * classifier), the fp32 network through OpenBLAS agreeing with the Vector API one (float
     * rounding only), the FATNN product being ResNets.resnet18's FATNN network on 2 threads, and
     * the precisions no network has refused.
     */
    @Test
    void resnet18NetworkWorkload() {
        StudyWorkload w = StudyWorkload.parse("ResNet18");
        assertEquals(StudyWorkload.Kind.NETWORK, w.kind());
        long expected = 64L * 12544 * 147 + 4 * 64L * 3136 * 576
                + 3 * (57_802_752L + 3 * 115_605_504L + 6_422_528L) + 512_000;
        assertEquals(1_814_073_344L, expected);
        assertEquals(expected, w.macs());
        assertEquals("resnet18 network 3x224x224 batch 1 (1.81 GMAC)", w.label());
        double[] blasLogits;
        try (StudyProduct blas = StudyProducts.create(w, StudyPrecision.FP32_OPENBLAS, "AUTO", 1);
             StudyProduct vec = StudyProducts.create(w, StudyPrecision.FP32_VECTOR, "AUTO", 1)) {
            blas.run();
            vec.run();
            assertTrue(blas.kernel().startsWith("OpenBLAS ") && blas.kernel().endsWith(" + im2col"), blas.kernel());
            blasLogits = blas.result();
            double[] y = vec.result();
            assertEquals(1000, blasLogits.length);
            for (int i = 0; i < y.length; i++) {
                assertEquals(blasLogits[i], y[i], 1e-3 * (1 + Math.abs(blasLogits[i])), "logit " + i);
            }
        }
        try (StudyProduct fatnn = StudyProducts.create(w, StudyPrecision.TERNARY_FATNN, "AUTO", 2)) {
            fatnn.run();
            assertTrue(fatnn.kernel().startsWith("trit4j ") && fatnn.kernel().contains("fatnn blocks"), fatnn.kernel());
            io.github.trit4j.nn.Network net = io.github.trit4j.nn.ResNets.resnet18(io.github.trit4j.nn.ConvMode.FATNN,
                    StudyProducts.NETWORK_SEED, io.github.trit4j.nn.NetworkOptions.defaults().withThreads(1));
            float[] input = new float[net.inputSize()];
            java.util.SplittableRandom r = new java.util.SplittableRandom(StudyProducts.SEED);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) r.nextDouble();
            }
            float[] direct = net.predict(input, 1);
            double[] got = fatnn.result();
            for (int i = 0; i < direct.length; i++) {
                assertEquals(direct[i], got[i], 1e-4 * (1 + Math.abs(direct[i])), "logit " + i);
            }
        }
        for (StudyPrecision p : List.of(StudyPrecision.INT8, StudyPrecision.TWO_BIT, StudyPrecision.BINARY)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StudyProducts.create(w, p, "AUTO", 1));
            assertTrue(e.getMessage().contains(p.name()), e.getMessage());
        }
    }

    /**
     * resnet18 at batch 8: the command line's resnet18 is batch 1 and 8; resnet18-b8 runs eight images per call
     * (MACs eight times one image's), the first of which is batch 1's image, with the same logits.
     */
    @Test
    void resnet18AtBatch8() {
        assertEquals(List.of("resnet18", "resnet18-b8"),
                StudyWorkload.expand("ResNet18").stream().map(StudyWorkload::name).toList());
        assertEquals(List.of(StudyWorkload.parse("resnet18")), StudyWorkload.expand("resnet18-b1"));
        assertEquals(List.of(StudyWorkload.parse("resnet18-b8")), StudyWorkload.expand("resnet18-B8"));
        assertEquals(List.of(StudyWorkload.parse("S1")), StudyWorkload.expand("S1"));
        StudyWorkload w = StudyWorkload.parse("resnet18-b8");
        assertEquals(8, w.batch());
        assertEquals(1, StudyWorkload.parse("resnet18").batch());
        assertEquals(1, StudyWorkload.parse("S1").batch());
        assertEquals(8 * 1_814_073_344L, w.macs());
        assertEquals("resnet18-b8 network 3x224x224 batch 8 (14.51 GMAC)", w.label());
        try (StudyProduct one = StudyProducts.create(StudyWorkload.parse("resnet18"), StudyPrecision.TERNARY_FATNN,
                "AUTO", 1);
             StudyProduct eight = StudyProducts.create(w, StudyPrecision.TERNARY_FATNN, "AUTO", 2)) {
            one.run();
            eight.run();
            double[] first = one.result();
            double[] all = eight.result();
            assertEquals(8 * 1000, all.length);
            for (int i = 0; i < first.length; i++) {
                assertEquals(first[i], all[i], 1e-4 * (1 + Math.abs(first[i])), "logit " + i);
            }
            assertNotEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(all, 0, 1000)),
                    java.util.Arrays.toString(java.util.Arrays.copyOfRange(all, 7000, 8000)), "eight different images");
        }
    }

    @Test
    void workloadsParse() {
        assertEquals(new StudyWorkload("S1", StudyWorkload.Kind.GEMM, 64, 3136, 576), StudyWorkload.parse("s1"));
        assertEquals("(3,4,5)", StudyWorkload.parse("3x4x5").label());
        assertEquals("S4 (512,49,4608)", StudyWorkload.parse("S4").label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyWorkload.parse("S9"));
        assertTrue(e.getMessage().contains("S1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StudyWorkload.parse("0x4x5"));
        assertThrows(IllegalArgumentException.class, () -> new StudyWorkload("C1", StudyWorkload.Kind.CONV, 1, 1, 1));
        StudyWorkload c1 = StudyWorkload.parse("c1");
        assertEquals(StudyWorkload.Kind.CONV, c1.kind());
        assertEquals(List.of(64, 3136, 576), List.of(c1.m(), c1.n(), c1.k()));
        assertEquals("C1 conv 64x56x56 3x3 s1 p1 -> 64 (64,3136,576)", c1.label());
        StudyWorkload d2 = StudyWorkload.parse("D2");
        assertEquals(List.of(128, 784, 576), List.of(d2.m(), d2.n(), d2.k()));
        StudyWorkload user = StudyWorkload.parse("conv3x10x12o4k5s2p2");
        assertEquals(new ConvShape(3, 10, 12, 4, 5, 2, 2), user.conv());
        assertEquals("conv3x10x12o4k5s2p2", user.name());
        assertEquals("conv 3x10x12 5x5 s2 p2 -> 4 (4,30,75)", user.label());
        assertEquals(user, StudyWorkload.parse(user.conv().id()));
        assertThrows(IllegalArgumentException.class, () -> StudyWorkload.parse("conv3x2x2o4k5s1p0"));
    }
}

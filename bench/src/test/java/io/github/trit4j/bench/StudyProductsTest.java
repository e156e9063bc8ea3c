package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
        assertThrows(UnsupportedOperationException.class, () -> StudyProducts.create(
                new StudyWorkload("C1", StudyWorkload.Kind.CONV, 1, 1, 1), StudyPrecision.INT8, "AUTO", 1));
    }
}

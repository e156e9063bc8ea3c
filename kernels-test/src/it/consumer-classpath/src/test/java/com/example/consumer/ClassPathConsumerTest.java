package com.example.consumer;

import io.github.trit4j.Gemm;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.Trit4j;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Run twice by this project's POM: without the vector module and with it. */
class ClassPathConsumerTest {

    @Test
    void loadsFromTheClassPath() {
        assertFalse(Gemm.class.getModule().isNamed(), "trit4j is on the class path here");
        boolean vectors = "present".equals(System.getProperty("consumer.vectorModule"));
        assertEquals(vectors, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        if (vectors) {
            assertNotEquals(Isa.SCALAR, Gemm.isa(), Gemm.dispatchReason());
        } else {
            assertEquals(Isa.SCALAR, Gemm.isa(), Gemm.dispatchReason());
        }
    }

    @Test
    void multipliesExactly() {
        byte[] w = {1, -1, 0, 1, 0, 0, -1, -1};   // 2 x 4
        byte[] x = {2, 1, 0, 2, 0, 1, 2, 1};      // 2 x 4
        PackedMatrix weights = PackedMatrix.pack(Precision.TERNARY, w, 2, 4);
        PackedMatrix acts = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, x, 2, 4);
        assertArrayEquals(new int[] {3, 0, -2, -3}, Gemm.multiply(weights, acts));
    }

    @Test
    void reportsItsVersionFromTheJar() {
        String expected = System.getProperty("consumer.expectedVersion");
        assertEquals(expected, Trit4j.version());
        assertEquals(expected, Gemm.class.getPackage().getImplementationVersion(), "Implementation-Version in the manifest");
    }
}

package com.example.consumer;

import io.github.trit4j.Gemm;
import io.github.trit4j.Isa;
import io.github.trit4j.Trit4j;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScorerTest {

    @Test
    void runsAsAModuleWithTheVectorKernels() {
        assertEquals("com.example.consumer", Scorer.class.getModule().getName(), "the test runs inside the module");
        assertEquals("io.github.trit4j.kernels", Gemm.class.getModule().getName(), "trit4j is on the module path");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "requires jdk.incubator.vector resolves the vector module without --add-modules");
        // Any x86 or aarch64 JVM with the vector module has at least 128-bit vectors.
        assertNotEquals(Isa.SCALAR, Gemm.isa(), Gemm.dispatchReason());
    }

    @Test
    void multipliesExactly() {
        byte[] w = {1, -1, 0, 1, 0, 0, -1, -1};   // 2 x 4
        byte[] x = {2, 1, 0, 2, 0, 1, 2, 1};      // 2 x 4
        assertArrayEquals(new int[] {3, 0, -2, -3}, Scorer.scores(w, 2, x, 2, 4));
    }

    @Test
    void reportsItsVersion() {
        assertEquals(System.getProperty("consumer.expectedVersion"), Trit4j.version());
    }
}

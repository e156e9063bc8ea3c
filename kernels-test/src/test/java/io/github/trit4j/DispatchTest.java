package io.github.trit4j;

import io.github.trit4j.internal.kernel.KernelProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape chosen in each test JVM is the one the dispatch rules promise, and the
 * {@code trit4j.isa} switch works and fails clearly.
 */
class DispatchTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(KernelProvider.ISA_PROPERTY);
    }

    /** What each of the four surefire JVMs must pick on this kind of machine. */
    @Test
    void eachTestJvmGetsTheShapeItEmulates() {
        String jvm = System.getProperty("trit4j.test.jvm", "native");
        CpuFeatures cpu = CpuFeatures.host();
        Isa expected = switch (jvm) {
            case "scalar-only" -> Isa.SCALAR;
            case "avx2" -> Isa.AVX2;
            case "vector128" -> Isa.NEON;
            default -> {
                int bits = KernelProvider.preferredVectorBits();
                if (cpu.isAarch64()) {
                    yield Isa.NEON;
                }
                yield bits >= 512 && (cpu.has("avx512_vpopcntdq") || !cpu.flagsKnown()) ? Isa.AVX512
                        : bits >= 256 ? Isa.AVX2 : bits >= 128 ? Isa.NEON : Isa.SCALAR;
            }
        };
        assertEquals(expected, KernelProvider.select().isa(), KernelProvider.select().reason());
        assertEquals(expected, Gemm.isa(), Gemm.dispatchReason());
        assertFalse(Gemm.dispatchReason().isBlank());
    }

    @Test
    void scalarOnlyJvmExplainsHowToEnableVectors() {
        if (KernelProvider.vectorModulePresent()) {
            assertFalse(TestShapes.vectorModuleExpectedAbsent());
            return;
        }
        assertTrue(TestShapes.vectorModuleExpectedAbsent());
        assertEquals(Isa.SCALAR, Gemm.isa());
        assertTrue(Gemm.dispatchReason().contains("--add-modules jdk.incubator.vector"), Gemm.dispatchReason());
        for (Isa isa : new Isa[] {Isa.AVX512, Isa.AVX2, Isa.NEON}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GemmEngine.of(isa));
            assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
            System.setProperty(KernelProvider.ISA_PROPERTY, isa.name());
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class, KernelProvider::select);
            assertTrue(f.getMessage().contains("--add-modules jdk.incubator.vector"), f.getMessage());
        }
    }

    @Test
    void propertyForcesAShape() {
        for (Isa isa : TestShapes.shapes()) {
            System.setProperty(KernelProvider.ISA_PROPERTY, isa.name().toLowerCase());
            KernelProvider.Selection s = KernelProvider.select();
            assertEquals(isa, s.isa());
            assertTrue(s.reason().contains("trit4j.isa"), s.reason());
            assertEquals(isa, GemmEngine.of(isa).isa());
        }
    }

    @Test
    void unknownPropertyValueFailsClearly() {
        System.setProperty(KernelProvider.ISA_PROPERTY, "SSE9");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelProvider::select);
        assertTrue(e.getMessage().contains("SSE9") && e.getMessage().contains("AVX512, AVX2, NEON, SCALAR"),
                e.getMessage());
    }
}

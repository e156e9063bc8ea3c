package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;

/** The products {@code verify} checks, by shape: the real engines, or in tests a faulty stand-in. */
@FunctionalInterface
interface GemmUnderTest {

    /** {@code GemmEngine.of(isa).multiply(w, x, algorithm)}. */
    GemmUnderTest ENGINES = (isa, w, x, algorithm) -> GemmEngine.of(isa).multiply(w, x, algorithm);

    int[] multiply(Isa isa, PackedMatrix w, PackedMatrix x, Algorithm algorithm);
}

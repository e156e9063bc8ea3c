package io.github.trit4j.tools;

import io.github.trit4j.Gemm;
import io.github.trit4j.Isa;

import java.util.List;

/** The kernel shapes this JVM can create: all of them with the vector module, else SCALAR alone. */
final class Shapes {

    private Shapes() {
    }

    static List<Isa> creatable() {
        return Gemm.vectorModulePresent() ? List.of(Isa.values()) : List.of(Isa.SCALAR);
    }

    static boolean creatable(Isa isa) {
        return !isa.needsVectorModule() || Gemm.vectorModulePresent();
    }
}

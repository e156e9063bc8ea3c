package io.github.trit4j.nn;

import io.github.trit4j.Isa;
import io.github.trit4j.nn.gemm.FloatGemm;

import java.util.Objects;

/**
 * The nn runtime's one provider of vectorised services, keyed by the kernel shape ({@link Isa})
 * of the engine a network runs on, as Lucene's and Jlama's providers are: the float GEMM of the
 * full-precision layers ({@link #floatGemm()}) and the row maxima of max pooling
 * ({@link #vectorRows()}); the quantized convolutions take theirs from the engine itself. For
 * {@link Isa#SCALAR} (or a JVM without the vector module) every service is scalar code: a
 * network on {@code GemmEngine.of(Isa.SCALAR)} runs no Vector API code, whatever the CPU.
 * Immutable and thread-safe.
 */
final class NnKernels {

    /** Whether {@link VectorRows} links in this JVM (the vector module is resolved). */
    private static final boolean VECTOR_ROWS_LINK = linkVectorRows();

    private static final NnKernels SCALAR = new NnKernels(false, FloatGemm.scalar());

    private final boolean vector;
    private final FloatGemm floatGemm;

    private NnKernels(boolean vector, FloatGemm floatGemm) {
        this.vector = vector;
        this.floatGemm = floatGemm;
    }

    /** The services for {@code isa}: scalar for {@link Isa#SCALAR} or when the vector module is absent. */
    static NnKernels of(Isa isa) {
        Objects.requireNonNull(isa, "isa");
        if (isa == Isa.SCALAR || !VECTOR_ROWS_LINK) {
            return SCALAR;
        }
        return new NnKernels(true, FloatGemm.javaDefault());
    }

    /** The float GEMM: the Vector API kernel for a vector shape, else {@link FloatGemm#scalar()}. */
    FloatGemm floatGemm() {
        return floatGemm;
    }

    /** Whether max pooling uses {@link VectorRows} (else its scalar loops). */
    boolean vectorRows() {
        return vector;
    }

    /**
     * Loads {@link VectorRows} by name, here and not in that class: its static initialiser
     * is what fails without the vector module.
     */
    private static boolean linkVectorRows() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            Class.forName("io.github.trit4j.nn.VectorRows", true, NnKernels.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}

package io.github.trit4j.internal.kernel;

import io.github.trit4j.CpuFeatures;
import io.github.trit4j.Isa;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Creates the kernels of a shape and chooses the shape for this JVM, after Lucene's
 * {@code VectorizationProvider}: the scalar kernels are always there; the vector ones
 * are loaded by reflection only once the {@code jdk.incubator.vector} module is known
 * to be resolved, so a JVM without it never links a vector class. Internal API.
 */
public final class KernelProvider {

    /** System property that forces a shape: {@code AVX512}, {@code AVX2}, {@code NEON} or {@code SCALAR}. */
    public static final String ISA_PROPERTY = "trit4j.isa";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private KernelProvider() {
    }

    /** The choice made for this JVM and why. */
    public record Selection(Isa isa, String reason) {
    }

    /** Whether {@code jdk.incubator.vector} is resolved in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The vector size the JIT prefers, in bits, or 0 when the vector module is absent. */
    public static int preferredVectorBits() {
        return vectorModulePresent() ? PreferredShape.bits() : 0;
    }

    /**
     * The kernels of one shape. Any shape can be created on any host with the vector
     * module (a shape wider than the hardware is correct, only slow).
     *
     * @throws IllegalStateException if {@code isa} needs the vector module and it is absent
     */
    public static BitKernels create(Isa isa) {
        if (!isa.needsVectorModule()) {
            return ScalarKernels.INSTANCE;
        }
        String name = switch (isa) {
            case AVX512 -> "Avx512Kernels";
            case AVX2 -> "Avx2Kernels";
            case NEON -> "NeonKernels";
            case SCALAR -> throw new AssertionError();
        };
        return load(isa, name, BitKernels.class);
    }

    /**
     * The code-to-mask packing kernel for a shape: the Vector API one for every vector shape,
     * the scalar one for SCALAR.
     *
     * @throws IllegalStateException if {@code isa} needs the vector module and it is absent
     */
    public static CodeMasks codeMasks(Isa isa) {
        if (!isa.needsVectorModule()) {
            return ScalarCodeMasks.INSTANCE;
        }
        // one stateless instance for every vector shape (its species is the preferred one), loaded
        // once: packers ask per call, so the reflective load must not repeat
        CodeMasks m = vectorMasks;
        if (m == null) {
            m = load(isa, "VectorCodeMasks", CodeMasks.class);
            vectorMasks = m;
        }
        return m;
    }

    private static volatile CodeMasks vectorMasks;

    private static <T> T load(Isa isa, String name, Class<T> type) {
        if (!vectorModulePresent()) {
            throw new IllegalStateException("the " + isa + " kernels need the " + VECTOR_MODULE
                    + " module, which this JVM has not resolved; start it with --add-modules " + VECTOR_MODULE);
        }
        try {
            return type.cast(Class.forName(KernelProvider.class.getPackageName() + "." + name)
                    .getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException
                 | IllegalAccessException | InvocationTargetException | LinkageError e) {
            throw new IllegalStateException("cannot load the " + isa + " kernels: " + e, e);
        }
    }

    /**
     * Chooses the shape: {@value #ISA_PROPERTY} if set; otherwise SCALAR without the
     * vector module; NEON on aarch64; on x86 AVX512 where the JIT prefers 512-bit
     * vectors and the CPU has VPOPCNTDQ, AVX2 for 256-bit (or 512-bit without
     * VPOPCNTDQ), the 128-bit NEON shape for 128-bit vectors; SCALAR below that.
     *
     * @throws IllegalArgumentException if the property names no shape, or a vector shape
     *                                  without the vector module
     */
    public static Selection select() {
        String forced = System.getProperty(ISA_PROPERTY);
        boolean module = vectorModulePresent();
        if (forced != null && !forced.isBlank()) {
            Isa isa;
            try {
                isa = Isa.valueOf(forced.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + ISA_PROPERTY + "=" + forced
                        + " is not a kernel shape; use one of AVX512, AVX2, NEON, SCALAR", e);
            }
            if (isa.needsVectorModule() && !module) {
                throw new IllegalArgumentException("-D" + ISA_PROPERTY + "=" + forced + " needs the "
                        + VECTOR_MODULE + " module; start the JVM with --add-modules " + VECTOR_MODULE);
            }
            return new Selection(isa, "forced by -D" + ISA_PROPERTY + "=" + forced);
        }
        if (!module) {
            return new Selection(Isa.SCALAR, VECTOR_MODULE + " is not resolved in this JVM; "
                    + "enable the vector kernels with --add-modules " + VECTOR_MODULE);
        }
        CpuFeatures cpu = CpuFeatures.host();
        int bits = PreferredShape.bits();
        String shape = "preferred vector shape " + bits + " bits";
        if (bits < 128) {
            return new Selection(Isa.SCALAR, shape + ": too narrow for any vector kernel");
        }
        if (cpu.isAarch64()) {
            return new Selection(Isa.NEON, cpu.arch() + ", " + shape + ": NEON byte-lane popcount");
        }
        if (bits >= 512) {
            if (!cpu.flagsKnown()) {
                return new Selection(Isa.AVX512, shape + "; CPU flags unreadable, assuming VPOPCNTDQ");
            }
            if (cpu.has("avx512_vpopcntdq")) {
                return new Selection(Isa.AVX512, shape + " and the CPU has AVX-512 VPOPCNTDQ");
            }
            return new Selection(Isa.AVX2, shape + " but no VPOPCNTDQ: 64-bit popcount would be emulated, "
                    + "so the 256-bit byte-lane kernels run");
        }
        if (bits == 256) {
            return new Selection(Isa.AVX2, shape + ": 256-bit byte-lane popcount kernels");
        }
        return new Selection(Isa.NEON, shape + ": the 128-bit byte-lane kernels");
    }
}

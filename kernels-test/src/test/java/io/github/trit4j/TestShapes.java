package io.github.trit4j;

import io.github.trit4j.internal.kernel.KernelProvider;

import java.util.Arrays;
import java.util.List;

/**
 * Which kernel shapes this test JVM checks, and how hard. Every shape is checked in
 * every JVM that has the vector module: a shape wider than the JIT's vectors is not
 * intrinsified and runs in the Vector API's Java fallback, which is slow, so it gets
 * fewer examples, never none (Jlama's rule: forced shapes are slow, not skipped).
 */
final class TestShapes {

    /** Examples per property for shapes the JIT compiles to vector instructions. */
    static final int EXAMPLES = Integer.getInteger("trit4j.test.examples", 600);

    private TestShapes() {
    }

    /** Whether this JVM was started without the vector module on purpose (the scalar-only run). */
    static boolean vectorModuleExpectedAbsent() {
        return "absent".equals(System.getProperty("trit4j.test.vectorModule"));
    }

    /** The shapes to check here: all four with the vector module, SCALAR alone without it. */
    static List<Isa> shapes() {
        boolean present = KernelProvider.vectorModulePresent();
        if (present == vectorModuleExpectedAbsent()) {
            throw new IllegalStateException("test JVM misconfigured: vector module present = " + present
                    + " but trit4j.test.vectorModule = " + System.getProperty("trit4j.test.vectorModule"));
        }
        return present ? Arrays.asList(Isa.values()) : List.of(Isa.SCALAR);
    }

    /** Whether the JIT can compile {@code isa}'s vectors to instructions in this JVM. */
    static boolean intrinsified(Isa isa) {
        return !isa.needsVectorModule() || isa.vectorBits() <= KernelProvider.preferredVectorBits();
    }

    /** Examples for a property on {@code isa}: full for compiled shapes, a quarter for emulated ones. */
    static int examples(Isa isa) {
        return intrinsified(isa) ? EXAMPLES : Math.max(20, EXAMPLES / 4);
    }
}

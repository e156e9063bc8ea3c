package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link AllocationTest} for the conventional ternary model, in a JVM without FATNN's products (nn/pom.xml). */
class ConventionalAllocationTest {

    /**
     * The committed conventional ternary model: about 470 KB per image (350 KB without the vector
     * module) while each convolution derived its patches' 2-bit codes, their row constants and
     * its epilogue anew per call; the patch operand now refills the last call's arrays. Without
     * the vector module it allocates nothing. With it, about 10 KB per image remain, from the
     * vector kernels of the conventional (2-bit code) path rather than from derived data: bounded
     * here, not zero (not done). In a JVM of its own (nn/pom.xml), so that what it measures is the
     * conventional model from clean JIT profiles; the two models in one JVM are
     * MixedModelsAllocationTest's (they boxed vectors, about 1.26 MB per ResNet-8 image, while
     * VectorCodeMasks chose its compare operator at run time).
     */
    /** Whether the vector module is in this JVM. */
    static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Bytes per warm predict the conventional model may allocate: 16 KB with the vector module, none without. */
    static long bound() {
        return vectorModule() ? 16 * 1024 : 0;
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void conventionalModelAllocatesNoDerivedDataPerCall() throws IOException {
        String dir = System.getProperty("trit4j.models");
        assumeTrue(dir != null, "trit4j.models is not set");
        boolean vector = vectorModule();
        long bound = bound();
        for (int threads : new int[] {1, 2}) {
            Network net = Network.load(Path.of(dir, "fashion-resnet8-conventional.safetensors"),
                    NetworkOptions.defaults().withThreads(threads));
            long perCall = AllocationTest.steadyStateBytesPerCall(net, 20, bound, 60);
            System.out.println("conventional, " + threads + " threads, vector module " + vector + ": " + perCall
                    + " bytes per warm predict");
            assertTrue(perCall <= bound, "conventional, " + threads + " threads: " + perCall
                    + " bytes per warm predict, above " + bound);
        }
    }
}

package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conventional ternary and FATNN models in one JVM, in a surefire execution of its own so that
 * the JIT's profiles start clean (nn/pom.xml). The two quantize activations with different
 * threshold inclusiveness; while VectorCodeMasks chose its comparison operator at run time, C2
 * intrinsified that compare only as long as one choice had been seen, so after both models ran,
 * every activation quantization boxed its vectors: about 1.26 MB per ResNet-8 image for either
 * model (FATNN allocates nothing alone).
 */
class MixedModelsAllocationTest {

    private static Network load(String dir, String name) throws IOException {
        return Network.load(Path.of(dir, "fashion-resnet8-" + name + ".safetensors"),
                NetworkOptions.defaults().withThreads(1));
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fatnnAllocatesNothingAfterTheConventionalModelRan() throws IOException {
        String dir = System.getProperty("trit4j.models");
        assumeTrue(dir != null, "trit4j.models is not set");
        boolean vector = ConventionalAllocationTest.vectorModule();
        long bound = ConventionalAllocationTest.bound();
        Network conventional = load(dir, "conventional");
        long alone = AllocationTest.steadyStateBytesPerCall(conventional, 20, bound, 60);
        assertTrue(alone <= bound, "conventional alone: " + alone + " bytes per warm predict, above " + bound);

        long fatnn = AllocationTest.steadyStateBytesPerCall(load(dir, "fatnn"), 20, 0, 60);
        assertEquals(0, fatnn, "FATNN after the conventional model: bytes per warm predict");

        long after = AllocationTest.steadyStateBytesPerCall(conventional, 20, alone, 60);
        System.out.println("conventional " + alone + ", then FATNN " + fatnn + ", then conventional " + after
                + " bytes per warm predict (vector module " + vector + ")");
        assertTrue(after <= alone, "conventional after FATNN: " + after + " bytes per warm predict, alone " + alone);
    }
}

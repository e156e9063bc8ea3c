package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * A quantized conv that writes the next conv's input codes from its epilogue (a block's conv1 for its
 * conv2, a block's conv2 for the next block's conv1) gives the logits of the unfused data flow, where
 * every quantized conv quantizes the float tensor it reads, bit for bit: random stage widths (below, at
 * and past 64 channels), blocks with and without a downsampling shortcut, stride 1 and 2, every
 * quantized mode, batch sizes, 1 and 2 threads; and ResNet-18 itself.
 */
class CodesPassingTest {

    private static final ConvMode[] QUANTIZED = {ConvMode.FATNN, ConvMode.TERNARY_2BIT, ConvMode.CONVENTIONAL};

    @Test
    void smallResNetsEqualTheUnfusedDataFlow() {
        qt().withExamples(40).forAll(integers().between(0, QUANTIZED.length - 1), integers().between(1, 3),
                integers().between(0, Integer.MAX_VALUE - 1), integers().between(1, 3)).checkAssert(
                (m, stages, seed, batch) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    int[] widths = new int[stages];
                    for (int i = 0; i < stages; i++) {
                        widths[i] = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 80);
                    }
                    int threads = 1 + rnd.nextInt(2);
                    ModelFile model = ResNets.smallModel(QUANTIZED[m], seed, widths);
                    NetworkOptions options = NetworkOptions.defaults().withThreads(threads);
                    assertSameLogits(Network.of(model, options), Network.of(model, options, false), batch, seed,
                            QUANTIZED[m] + " widths " + java.util.Arrays.toString(widths) + " on " + threads
                                    + " threads, batch " + batch);
                });
    }

    @Test
    void resnet18EqualsTheUnfusedDataFlow() {
        ModelFile model = ResNets.resnet18Model(ConvMode.FATNN, 3);
        for (int threads = 1; threads <= 2; threads++) {
            NetworkOptions options = NetworkOptions.defaults().withThreads(threads);
            Network fused = Network.of(model, options);
            assertTrue(fused.toString().contains("conv1's epilogue writes conv2's input codes"), fused::toString);
            assertSameLogits(fused, Network.of(model, options, false), 1, 5, "ResNet-18 on " + threads + " threads");
        }
    }

    private static void assertSameLogits(Network fused, Network unfused, int batch, long seed, String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[batch * fused.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        float[] expected = unfused.predict(x, batch);
        for (int call = 0; call < 2; call++) { // the second call reuses the workspace's codes
            float[] got = fused.predict(x, batch);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                        "logit " + i + " (" + got[i] + " vs " + expected[i] + "), call " + call + ": " + what);
            }
        }
    }
}

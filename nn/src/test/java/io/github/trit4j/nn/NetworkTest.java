package io.github.trit4j.nn;

import io.github.trit4j.nn.gemm.FloatGemm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/** Whole networks: batching, threads, the ResNet builder, argument checks. */
class NetworkTest {

    private static float[] images(int n, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    /** A batch gives each image's batch-1 logits, bit for bit (a batch runs image by image). */
    @Test
    void batchEqualsSingleImagesConcatenated() {
        for (ConvMode mode : ConvMode.values()) {
            Network net = ResNets.small(mode, 3, NetworkOptions.defaults(), 8, 16);
            int size = net.inputSize();
            for (int batch : new int[] {2, 5, 9}) {
                float[] x = images(batch, size, batch);
                float[] together = net.predict(x, batch);
                for (int n = 0; n < batch; n++) {
                    float[] one = net.predict(java.util.Arrays.copyOfRange(x, n * size, (n + 1) * size), 1);
                    assertArrayEquals(one, java.util.Arrays.copyOfRange(together, n * 10, n * 10 + 10), 0f,
                            mode + " batch " + batch + " image " + n);
                }
            }
        }
    }

    /**
     * Over batch sizes, thread counts and modes: {@code predict(batch)} is each image's batch-1
     * logits at one thread, bit for bit (at more than one thread a batch is split by images, a
     * single image within its layers), and the caller's input is untouched.
     */
    @Test
    void batchesAtAnyThreadCountEqualPerImagePredictions() {
        ConvMode[] modes = ConvMode.values();
        Network[] one = new Network[modes.length];
        Network[][] more = new Network[modes.length][];
        for (int m = 0; m < modes.length; m++) {
            one[m] = ResNets.small(modes[m], 7, NetworkOptions.defaults().withThreads(1), 8, 16);
            more[m] = new Network[] {ResNets.small(modes[m], 7, NetworkOptions.defaults().withThreads(2), 8, 16),
                    ResNets.small(modes[m], 7, NetworkOptions.defaults().withThreads(3), 8, 16)};
        }
        qt().withExamples(30).forAll(integers().between(0, modes.length - 1), integers().between(1, 7),
                integers().between(0, 2), integers().between(0, 1000)).checkAssert((m, batch, threads, seed) -> {
            Network net = threads == 0 ? one[m] : more[m][threads - 1];
            int size = net.inputSize();
            float[] x = images(batch, size, seed);
            float[] copy = x.clone();
            float[] together = net.predict(x, batch);
            assertArrayEquals(copy, x, 0f, "input untouched");
            for (int n = 0; n < batch; n++) {
                float[] single = one[m].predict(java.util.Arrays.copyOfRange(x, n * size, (n + 1) * size), 1);
                assertArrayEquals(single, java.util.Arrays.copyOfRange(together, n * 10, n * 10 + 10), 0f,
                        modes[m] + " batch " + batch + " at " + net.options().threads() + " threads, image " + n);
            }
        });
    }

    @Test
    void concurrentPredictEqualsSequential() throws Exception {
        Network net = ResNets.small(ConvMode.FATNN, 5, NetworkOptions.defaults().withThreads(2), 8, 16, 32);
        int size = net.inputSize();
        int calls = 24;
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int batch = 1 + i % 3;
            float[] x = images(batch, size, 100 + i);
            inputs.add(x);
            expected.add(net.predict(x, batch));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> got = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (int i = 0; i < calls; i++) {
                    float[] x = inputs.get(i);
                    int batch = 1 + i % 3;
                    got.add(pool.submit(() -> net.predict(x, batch)));
                }
            }
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(expected.get(i % calls), got.get(i).get(), 0f, "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsGiveTheSameLogits() {
        float[] x = images(3, 784, 9);
        float[] one = ResNets.small(ConvMode.CONVENTIONAL, 1, NetworkOptions.defaults().withThreads(1), 8, 16)
                .predict(x, 3);
        float[] two = ResNets.small(ConvMode.CONVENTIONAL, 1, NetworkOptions.defaults().withThreads(2), 8, 16)
                .predict(x, 3);
        assertArrayEquals(one, two, 0f);
    }

    @Test
    void scalarAndDefaultFloatGemmAgree() {
        float[] x = images(2, 784, 4);
        float[] a = ResNets.small(ConvMode.FLOAT, 2, NetworkOptions.defaults(), 8, 16).predict(x, 2);
        float[] b = ResNets.small(ConvMode.FLOAT, 2, NetworkOptions.defaults().withFloatGemm(FloatGemm.scalar()), 8, 16)
                .predict(x, 2);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4f * (1 + Math.abs(a[i])), "logit " + i);
        }
    }

    @Test
    void resnet18HasImageNetShapesInEveryMode() {
        for (ConvMode mode : new ConvMode[] {ConvMode.FATNN}) {
            Network net = ResNets.resnet18(mode, 1, NetworkOptions.defaults());
            assertEquals(3 * 224 * 224, net.inputSize());
            assertEquals(1000, net.classes());
            LayerTimes times = new LayerTimes();
            float[] logits = new float[1000];
            net.predict(images(1, net.inputSize(), 1), 1, logits, times);
            for (float v : logits) {
                assertTrue(Float.isFinite(v), mode.toString());
            }
            assertTrue(times.nanos(LayerKind.QUANTIZED_CONV) > 0);
            assertTrue(times.nanos(LayerKind.FLOAT_CONV) > 0);
            assertTrue(times.nanos(LayerKind.LINEAR) > 0);
            assertEquals(1, times.images());
            String s = net.toString();
            assertTrue(s.contains("layer4.1") && s.contains("layer2.0.downsample"), s);
        }
        // the other modes are built (weights checked and packed) but not run: a cold JVM takes seconds per image
        assertEquals(1000, ResNets.resnet18(ConvMode.CONVENTIONAL, 1, NetworkOptions.defaults()).classes());
        assertEquals(1000, ResNets.resnet18Model(ConvMode.FLOAT, 1).tensors().get("fc.bias").size());
    }

    @Test
    void badArgumentsNameTheParameter() {
        Network net = ResNets.small(ConvMode.FATNN, 1, NetworkOptions.defaults(), 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.predict(new float[783], 1));
        assertTrue(e.getMessage().contains("input.length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.predict(new float[784], 0));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        float[] logits = new float[11];
        e = assertThrows(IllegalArgumentException.class, () -> net.predict(new float[784], 1, logits));
        assertTrue(e.getMessage().contains("logits.length"), e.getMessage());
        float[] nan = new float[784];
        nan[5] = Float.NaN;
        float[] out = new float[10];
        e = assertThrows(IllegalArgumentException.class, () -> net.predict(nan, 1, out));
        assertTrue(e.getMessage().contains("input[5]"), e.getMessage());
        assertArrayEquals(new float[10], out, 0f);
    }

    @Test
    void classifyIsArgmaxOfPredict() {
        Network net = ResNets.small(ConvMode.FATNN, 8, NetworkOptions.defaults(), 8, 16);
        float[] x = images(4, 784, 8);
        assertArrayEquals(Network.argmax(net.predict(x, 4), 10), net.classify(x, 4));
    }

    /**
     * The public builders and value types of nn check their arguments: a negative or zero ResNet
     * width (NegativeArraySizeException from deep inside, or a model built with 0 channels), a
     * tensor shape whose element count wraps around long (accepted with 0 values), negative layer
     * times, nulls named.
     */
    @Test
    void buildersAndValueTypesCheckTheirArguments() {
        for (int w : new int[] {0, -8}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ResNets.smallModel(ConvMode.FATNN, 1, 8, w));
            assertTrue(e.getMessage().contains("widths[1]") && e.getMessage().contains(String.valueOf(w)),
                    e.getMessage());
        }
        assertEquals("widths", assertThrows(NullPointerException.class,
                () -> ResNets.smallModel(ConvMode.FATNN, 1, (int[]) null)).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.f32("t", new float[0], 65536, 65536, 65536, 65536));
        assertTrue(e.getMessage().contains("too many") || e.getMessage().contains("exceeds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.i8("t", new byte[1],
                65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536));
        assertEquals("shape", assertThrows(NullPointerException.class,
                () -> Tensor.f32("t", new float[1], (int[]) null)).getMessage());
        LayerTimes times = new LayerTimes();
        assertEquals("kind", assertThrows(NullPointerException.class, () -> times.add(null, 5)).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> times.add(LayerKind.values()[0], -5));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
        assertEquals(0, times.totalNanos());
    }
}

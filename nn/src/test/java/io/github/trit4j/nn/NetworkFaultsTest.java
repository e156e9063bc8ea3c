package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The faults of issue 20's section 1 (1-3, 5, 6, 8; 4 and 7 need a JVM of their own), each as found. */
class NetworkFaultsTest {

    @TempDir
    Path dir;

    /** 1 x 28 x 28 to 512 channels at full size (401,408 floats per image): a batch of 5350 overflows int. */
    private static Network wide() {
        String arch = """
                {"name": "wide", "input": {"channels": 1, "height": 28, "width": 28}, "classes": 2,
                 "layers": [
                  {"type": "conv", "name": "stem", "mode": "float", "in": 1, "out": 512, "kernel": 3, "stride": 1, "padding": 1, "bias": false},
                  {"type": "relu"},
                  {"type": "global_avg_pool"},
                  {"type": "linear", "name": "fc", "in": 512, "out": 2, "bias": false}
                 ]}""";
        SplittableRandom r = new SplittableRandom(3);
        List<Tensor> t = List.of(Tensor.f32("stem.weight", Naive.randomFloats(r, 512 * 9, 0.5), 512, 1, 3, 3),
                Tensor.f32("fc.weight", Naive.randomFloats(r, 1024, 0.5), 2, 512));
        return Network.of(ModelFile.of(arch, Map.of(), t), NetworkOptions.defaults().withThreads(1));
    }

    private static float[] image(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    /** Faults 1 and 2: an overflowing batch is an IllegalArgumentException naming the layer, and the thread still works. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBatchTooLargeIsRefusedAndLeavesTheThreadWorking() {
        Network net = wide();
        float[] x = image(784, 1);
        float[] before = net.predict(x, 1);
        int batch = 5350;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.predict(new float[batch * 784], batch));
        assertTrue(e.getMessage().contains("batch 5350") && e.getMessage().contains("layer 0"), e.getMessage());
        assertArrayEquals(before, net.predict(x, 1), "the same thread after the refused batch");
    }

    private static final String TINY = """
            {"name": "tiny", "input": {"channels": 1, "height": 6, "width": 6}, "classes": 3,
             "layers": [
              {"type": "normalize", "mean": [MEAN], "std": [0.25]},
              {"type": "conv", "name": "stem", "mode": "float", "in": 1, "out": 4, "kernel": 3, "stride": 1, "padding": PAD, "bias": false},
              {"type": "batchnorm", "name": "stem.bn", "eps": EPS},
              {"type": "relu"},
              {"type": "basic_block", "name": "b", "in": 4, "out": 4, "stride": 1, "mode": "fatnn"},
              {"type": "global_avg_pool"},
              {"type": "linear", "name": "fc", "in": 4, "out": 3, "bias": true}
             ]}""";

    private static Network tiny(String mean, String eps, String pad) {
        String arch = TINY.replace("MEAN", mean).replace("EPS", eps).replace("PAD", pad);
        return Network.of(ModelFile.of(arch, Map.of(), ModelFileTest.tensors()), NetworkOptions.defaults());
    }

    /** Fault 3: numbers are checked after their conversion to float32. */
    @Test
    void valuesInfiniteAsFloat32AreRefused() {
        tiny("0.5", "1e-5", "1"); // the valid model
        IllegalArgumentException mean = assertThrows(IllegalArgumentException.class, () -> tiny("1e39", "1e-5", "1"));
        assertTrue(mean.getMessage().contains("mean[0]"), mean.getMessage());
        IllegalArgumentException eps = assertThrows(IllegalArgumentException.class, () -> tiny("0.5", "1e39", "1"));
        assertTrue(eps.getMessage().contains("eps"), eps.getMessage());
    }

    /** Fault 5: infinite inputs are refused up front, named as infinite, the logits untouched. */
    @Test
    void infiniteInputsAreRefusedAsInfinite() {
        Network net = tiny("0.5", "1e-5", "1");
        float[] logits = {7, 7, 7};
        float[] x = new float[36];
        java.util.Arrays.fill(x, Float.POSITIVE_INFINITY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.predict(x, 1, logits));
        assertTrue(e.getMessage().contains("input[0] is Infinity"), e.getMessage());
        x[0] = 0.5f;
        x[1] = Float.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> net.predict(x, 1, logits));
        assertTrue(e.getMessage().contains("input[1] is -Infinity"), e.getMessage());
        assertArrayEquals(new float[] {7, 7, 7}, logits);
    }

    /**
     * Finite inputs whose activations overflow float32 inside the network (here 1e37 and 3e38,
     * finite, normalized by a std of 0.25) are refused with an IllegalArgumentException that says
     * so and names the layer, the logits untouched: never NaN or infinite logits returned as if
     * they were an answer, never "input[0] is NaN" for an input with no NaN.
     */
    @Test
    void finiteInputsThatOverflowInsideTheNetworkAreRefusedNotAnswered() {
        Network net = tiny("0.5", "1e-5", "1");
        for (float v : new float[] {1e37f, -1e37f, 3e38f, Float.MAX_VALUE}) {
            float[] x = new float[36];
            java.util.Arrays.fill(x, v);
            float[] logits = {7, 7, 7};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.predict(x, 1, logits),
                    "input " + v);
            String m = e.getMessage();
            assertTrue(m.contains("overflow") && m.contains("layer ") && m.contains(String.valueOf(Math.abs(v))), m);
            assertFalse(m.startsWith("input[0] is NaN"), m);
            assertArrayEquals(new float[] {7, 7, 7}, logits, "logits untouched for input " + v);
            assertThrows(IllegalArgumentException.class, () -> net.topK(x, 3));
        }
        float[] large = new float[36];
        java.util.Arrays.fill(large, 1e30f); // large but within float32 all the way through
        for (float l : net.predict(large, 1)) {
            assertTrue(Float.isFinite(l), "finite logits for 1e30 inputs");
        }
    }

    /** Fault 8: a padding near 2^30 and an input near 2^31 do not wrap around in the messages. */
    @Test
    void hugePaddingAndInputsAreNamedNotWrapped() {
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> tiny("0.5", "1e-5", "1073741824"));
        assertTrue(pad.getMessage().contains("padding 1073741824") && !pad.getMessage().contains("exceeds the padded"),
                pad.getMessage());
        String arch = TINY.replace("MEAN", "0.5").replace("EPS", "1e-5").replace("PAD", "1")
                .replace("\"height\": 6", "\"height\": 2147483647");
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> Network.of(ModelFile.of(arch, Map.of(), ModelFileTest.tensors()), NetworkOptions.defaults()));
        assertTrue(h.getMessage().contains("too large") && !h.getMessage().contains("exceeds the padded"),
                h.getMessage());
    }

    /** Fault 8: "activation too large" names the layer whose output it is. */
    @Test
    void aTooLargeActivationNamesItsLayer() {
        String arch = """
                {"name": "huge", "input": {"channels": 1, "height": 28, "width": 28}, "classes": 2,
                 "layers": [
                  {"type": "conv", "name": "stem", "mode": "float", "in": 1, "out": 50000, "kernel": 1, "stride": 1, "padding": 0, "bias": false},
                  {"type": "global_avg_pool"},
                  {"type": "linear", "name": "fc", "in": 50000, "out": 2, "bias": false}
                 ]}""";
        List<Tensor> t = List.of(Tensor.f32("stem.weight", new float[50000], 50000, 1, 1, 1),
                Tensor.f32("fc.weight", new float[100000], 2, 50000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Network.of(ModelFile.of(arch, Map.of(), t), NetworkOptions.defaults()));
        assertTrue(e.getMessage().contains("stem") && e.getMessage().contains("too large"), e.getMessage());
    }

    /** Fault 8: a corrupt file's message names the file once, whatever is wrong with it. */
    @Test
    void aCorruptFileIsNamedOnce() throws IOException {
        Path good = dir.resolve("good.safetensors");
        ModelFile.of(TINY.replace("MEAN", "0.5").replace("EPS", "1e-5").replace("PAD", "1"), Map.of(),
                ModelFileTest.tensors()).write(good);
        byte[] bytes = Files.readAllBytes(good);
        List<byte[]> corrupt = new ArrayList<>();
        corrupt.add("not a model at all".getBytes(StandardCharsets.US_ASCII));
        corrupt.add(java.util.Arrays.copyOf(bytes, bytes.length - 3)); // a tensor's bytes beyond the data
        byte[] notJson = bytes.clone();
        notJson[8] = 'x';
        corrupt.add(notJson);
        for (byte[] c : corrupt) {
            Path f = dir.resolve("corrupt.safetensors");
            Files.write(f, c);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(f));
            String m = e.getMessage();
            assertTrue(m.startsWith(f + ": ") && m.indexOf(f.toString()) == m.lastIndexOf(f.toString()), m);
        }
    }

    /**
     * Fault 6: from an executor of virtual threads, a thread per call, a warm network allocates
     * little per call (the thread, the task, the logits: about 490 bytes measured), not a
     * workspace per thread (about 746 KB) nor the kernels' scratch per thread (1.2 KB): rounds of
     * calls until one is under the bound, within a time limit (C2 must compile the kernels first).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void virtualThreadsReuseWorkspaces() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Network net = ResNets.small(ConvMode.FATNN, 11, NetworkOptions.defaults().withThreads(1), 8, 16, 32);
        float[] x = image(net.inputSize(), 5);
        float[] expected = net.predict(x, 1);
        long bound = 1024;
        int round = 50;
        long perCall;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            do {
                List<Future<float[]>> results = new ArrayList<>(round);
                long before = threads.getTotalThreadAllocatedBytes();
                for (int i = 0; i < round; i++) {
                    results.add(pool.submit(() -> net.predict(x, 1)));
                }
                for (Future<float[]> f : results) {
                    assertArrayEquals(expected, f.get());
                }
                perCall = (threads.getTotalThreadAllocatedBytes() - before) / round;
            } while (perCall > bound && System.nanoTime() < deadline);
        }
        System.out.println("virtual thread per call: " + perCall + " bytes per predict");
        assertTrue(perCall <= bound, perCall + " bytes per call from virtual threads, bound " + bound);
    }
}

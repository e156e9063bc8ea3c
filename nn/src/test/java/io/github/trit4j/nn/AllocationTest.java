package io.github.trit4j.nn;

import io.github.trit4j.nn.gemm.FloatGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "no per-call allocation in steady state", at one and at two engine threads, on the
 * calling thread and trit4j's helper threads (HotSpot's per-thread allocation counters; a
 * correctness check, not a timing). The Vector API
 * allocates its vectors until C2 compiles the kernels, so each network is warmed up in rounds of
 * calls until a round allocates no more than the bound, within a time limit.
 *
 * <p>Float and FATNN networks allocate nothing. A quantized convolution keeps the matrix view of
 * its patch bits that it hands to the engine with its per-thread buffers and has the view forget
 * what it derived from the previous call's bits; it made a new view per call before (about 112
 * bytes per convolution, 2.1 KB per ResNet-18 image), and about 20 KB per ResNet-18 image before
 * the per-call tables, layouts and packers were kept in the layer's per-thread buffers.
 */
class AllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The ids of this thread and of trit4j's helper threads (started by the engine on first need). */
    private static long[] callerAndHelpers() {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("trit4j-helper-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Bytes allocated so far by the threads {@code ids} (one id at a time: no array per reading). */
    private static long allocated(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, THREADS.getThreadAllocatedBytes(id));
        }
        return sum;
    }

    /**
     * Bytes per call allocated on this thread and on trit4j's helper threads (which run ranges of
     * the network's parallel work at more than one thread) by the first round of {@code round}
     * calls that allocates at most {@code bound} per call, or by the last round when none did in
     * {@code seconds}. What reading the counters costs is measured and taken off.
     */
    static long steadyStateBytesPerCall(Network net, int round, long bound, int seconds) {
        return steadyStateBytesPerCall(net, 1, round, bound, seconds);
    }

    /** {@link #steadyStateBytesPerCall(Network, int, long, int)} with {@code batch} images per call. */
    static long steadyStateBytesPerCall(Network net, int batch, int round, long bound, int seconds) {
        float[] x = new float[batch * net.inputSize()];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] logits = new float[batch * net.classes()];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long perCall;
        do {
            long[] ids = callerAndHelpers(); // outside the measured window: listing threads allocates
            long t0 = allocated(ids);
            long t1 = allocated(ids);
            long reading = t1 - t0;
            long before = allocated(ids);
            for (int i = 0; i < round; i++) {
                net.predict(x, batch, logits);
            }
            perCall = Math.max(0, allocated(ids) - before - reading) / round;
        } while (perCall > bound && System.nanoTime() < deadline);
        return perCall;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void floatNetworksAllocateNothingPerCall() {
        for (FloatGemm gemm : new FloatGemm[] {FloatGemm.javaDefault(), FloatGemm.scalar()}) {
            Network net = ResNets.small(ConvMode.FLOAT, 11, NetworkOptions.defaults().withThreads(1)
                    .withFloatGemm(gemm), 8, 16, 32);
            assertEquals(0, steadyStateBytesPerCall(net, 20, 0, 40), gemm.name() + ": bytes per warm predict");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void smallFatnnNetworkAllocatesNothingPerCall() {
        Network net = ResNets.small(ConvMode.FATNN, 11, NetworkOptions.defaults().withThreads(1), 8, 16, 32);
        assertEquals(0, steadyStateBytesPerCall(net, 20, 0, 60), "small FATNN ResNet: bytes per warm predict");
    }

    /**
     * The committed Fashion-MNIST models, at 1 and 2 threads (2.5 KB per image for FATNN with a
     * patch view per call; at 2 threads, tasks per range on the common pool before the engine's
     * {@code runRanges}).
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void committedModelsAllocateNothingPerCall(int threads) throws IOException {
        String dir = System.getProperty("trit4j.models");
        assumeTrue(dir != null, "trit4j.models is not set");
        for (String name : new String[] {"fashion-resnet8-fatnn", "fashion-resnet8-fp32"}) {
            Path file = Path.of(dir, name + ".safetensors");
            Network net = Network.load(file, NetworkOptions.defaults().withThreads(threads));
            assertEquals(0, steadyStateBytesPerCall(net, 20, 0, 50),
                    name + ": bytes per warm predict, " + threads + " thread(s)");
        }
    }

    /**
     * At 2 threads the float GEMMs, the stem's panel ranges, the pooling and the engine's products
     * split their work between the caller and a helper (GemmEngine#runRanges); that allocated
     * 6.1 KB per ResNet-18 image with a CompletableFuture per range on the common pool and a
     * chunk state and capturing lambda per product.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void floatNetworksAllocateNothingPerCallAtTwoThreads() {
        for (FloatGemm gemm : new FloatGemm[] {FloatGemm.javaDefault(), FloatGemm.scalar()}) {
            Network net = ResNets.small(ConvMode.FLOAT, 11, NetworkOptions.defaults().withThreads(2)
                    .withFloatGemm(gemm), 8, 16, 32);
            assertEquals(0, steadyStateBytesPerCall(net, 20, 0, 40), gemm.name() + ": bytes per warm predict, 2 threads");
        }
    }

    /**
     * A batch runs image by image; at 2 threads each thread takes whole images in a workspace of
     * its own (the engine's helper keeps one), with the call's image task kept by the caller.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void batchesAllocateNothingPerCall(int threads) {
        Network net = ResNets.small(ConvMode.FATNN, 11, NetworkOptions.defaults().withThreads(threads), 8, 16, 32);
        assertEquals(0, steadyStateBytesPerCall(net, 5, 10, 0, 60), "batch 5: bytes per warm predict, " + threads
                + " thread(s)");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void resnet18FatnnAllocatesNothingPerCallAtTwoThreads() {
        Network net = ResNets.resnet18(ConvMode.FATNN, 42, NetworkOptions.defaults().withThreads(2));
        assertEquals(0, steadyStateBytesPerCall(net, 10, 0, 150), "ResNet-18 FATNN: bytes per warm predict, 2 threads");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void resnet18FatnnAllocatesNothingPerCall() {
        Network net = ResNets.resnet18(ConvMode.FATNN, 42, NetworkOptions.defaults().withThreads(1));
        // 19 quantized convolutions: 2.1 KB per call with a patch view per convolution, 20 KB before
        assertEquals(0, steadyStateBytesPerCall(net, 10, 0, 150), "ResNet-18 FATNN: bytes per warm predict");
    }
}

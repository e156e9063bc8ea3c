package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.layers.TernaryLinear;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-call buffers on virtual threads (issue 20, fault 6): from an executor that makes a virtual
 * thread per task, a warm entry point allocates a few small objects per call beyond what the
 * thread and its task cost anyway, never a buffer (the kernels' scratch, the prepared operands,
 * the chunk state of a parallel call, a layer's workspace). Each call's bytes are HotSpot's
 * allocation counters over all threads ({@code getTotalThreadAllocatedBytes}: a virtual thread's
 * allocations count on its carrier) for a round of calls, minus those of a round of empty tasks;
 * rounds repeat until one is under the bound (the Vector API allocates until C2 has compiled the
 * kernels), within a time limit. A correctness check, not a timing.
 */
class VirtualThreadAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Bytes per call allowed on a virtual thread beyond an empty task's and the call's own on a
     * platform thread, with one engine thread: a few small objects, far below the smallest
     * per-thread buffer there was (the kernels' scratch, 1.1 KB; the shapes below prepare 10 KB
     * to 400 KB of operands and workspaces per thread).
     */
    static final long BOUND = 256;

    /**
     * The same with two engine threads, where a product big enough to be split makes its caller
     * wait for a helper: a virtual thread that parks there has its frames copied to the heap
     * (its stack chunk) and its carrier starts another call meanwhile, so more calls are in
     * progress at once than chunk states are pooled, and a helper task that ends after its call
     * keeps its chunk state out of use for a while; then a call makes a new chunk state (about
     * 0.2 KB). Measured 0-2.3 KB per call on the split shapes, under 100 bytes on the others.
     */
    static final long BOUND_TWO_THREADS = 4096;

    private static final int ROUND = 40;

    /**
     * Bytes per call on a platform thread above which the call is still warming up (the Vector
     * API boxes its vectors, hundreds of KB per call, until C2 has compiled the kernels); the
     * warm calls here allocate at most their packed input and results on any thread (25 KB).
     */
    private static final long WARM_PLATFORM = 32 * 1024;

    @BeforeAll
    static void countersWork() {
        Assumptions.assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        Assumptions.assumeTrue(TestShapes.intrinsified(Gemm.isa()), "the Vector API's Java fallback allocates per operation");
    }

    /** Bytes per task of a round of {@code ROUND} tasks, each on a new virtual thread. */
    private static long round(ExecutorService virtual, Runnable call) throws Exception {
        List<Future<?>> done = new ArrayList<>(ROUND);
        long before = THREADS.getTotalThreadAllocatedBytes();
        for (int i = 0; i < ROUND; i++) {
            done.add(virtual.submit(call));
        }
        for (Future<?> f : done) {
            f.get();
        }
        return (THREADS.getTotalThreadAllocatedBytes() - before) / ROUND;
    }

    /** Bytes per call of {@code call} on this platform thread, a round of {@code ROUND} calls. */
    private static long platformRound(Runnable call) {
        long id = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < ROUND; i++) {
            call.run();
        }
        return (THREADS.getThreadAllocatedBytes(id) - before) / ROUND;
    }

    /**
     * Bytes per call of {@code call} on a fresh virtual thread, above an empty task's and above
     * what the call allocates on this (platform) thread, in the first round at most
     * {@code bound} in which the call was warm on the platform thread (at most
     * {@link #WARM_PLATFORM}, the same before and after the round on virtual threads within 64
     * bytes), or the last within {@code seconds}; {@code Long.MAX_VALUE} if it was never warm.
     */
    static long bytesPerVirtualCall(String what, Runnable call, long bound, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long perCall;
        long empty;
        long virtual;
        long platform;
        boolean steady;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            do {
                long p0 = platformRound(call);
                empty = round(pool, () -> { });
                virtual = round(pool, call);
                long p1 = platformRound(call);
                platform = Math.min(p0, p1);
                steady = Math.abs(p1 - p0) <= 64 && platform <= WARM_PLATFORM;
                perCall = virtual - empty - platform;
            } while ((perCall > bound || !steady) && System.nanoTime() < deadline);
        }
        System.out.println(what + ": " + virtual + " bytes per call on a fresh virtual thread; an empty task "
                + empty + ", the call on a platform thread " + platform + (steady ? "" : " (not warm)") + ": "
                + perCall + " more");
        return steady ? perCall : Long.MAX_VALUE;
    }

    private final List<String> over = new ArrayList<>();

    private void measure(String what, int threads, Runnable call) throws Exception {
        long bound = threads == 1 ? BOUND : BOUND_TWO_THREADS;
        long perCall = bytesPerVirtualCall(what, call, bound, 20);
        if (perCall > bound) {
            over.add(what + ": " + perCall + " (bound " + bound + ")");
        }
    }

    private void assertBounded() {
        assertTrue(over.isEmpty(), "bytes per call on a virtual thread beyond an empty task and the platform "
                + "thread's: " + over);
    }

    private static PackedMatrix random(Precision p, int rows, int cols, long seed) {
        return PackedMatrix.pack(p, ValuePattern.RANDOM.values(KitAdapters.codes(p), rows, cols, seed), rows, cols);
    }

    private static float[] floats(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 3.5 - 0.5);
        }
        return x;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void productsOnVirtualThreads() throws Exception {
        int[][] shapes = {{32, 288, 64}, {128, 1152, 784}}; // m, k, n: one part, and split at 2 threads
        for (int threads : new int[] {1, 2}) {
            GemmEngine engine = Gemm.engine().withThreads(threads);
            for (int[] s : shapes) {
                for (Algorithm a : new Algorithm[] {Algorithm.FATNN, Algorithm.CONVENTIONAL}) {
                    Precision xp = Precision.TERNARY_UNSIGNED;
                    PackedMatrix w = random(Precision.TERNARY, s[0], s[1], 3);
                    PackedMatrix x = random(xp, s[2], s[1], 4);
                    int[] expected = engine.multiply(w, x, a);
                    int[] out = new int[expected.length];
                    measure(a + " " + s[0] + "x" + s[1] + "x" + s[2] + ", " + threads + " thread(s)", threads, () -> {
                        engine.multiply(w, x, a, out);
                    });
                    assertTrue(java.util.Arrays.equals(expected, out));
                }
            }
        }
        assertBounded();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void convolutionsOnVirtualThreads() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int threads : new int[] {1, 2}) {
            GemmEngine engine = Gemm.engine().withThreads(threads);
            Conv2dSpec s = Conv2dSpec.of(64, 32, 3, 3).padding(1);
            byte[] w = ValuePattern.RANDOM.values(KitAdapters.codes(Precision.TERNARY), 32, s.patchLength(), 4);
            Conv2d conv = new Conv2d(s, Precision.TERNARY, w, Precision.TERNARY_UNSIGNED, engine, Algorithm.FATNN);
            byte[] in = ValuePattern.RANDOM.values(KitAdapters.codes(Precision.TERNARY_UNSIGNED), 1, 64 * 14 * 14, 5);
            int[] out = new int[32 * 14 * 14];
            measure("Conv2d.forward 64->32 3x3 14x14, " + threads + " thread(s)", threads,
                    () -> conv.forward(in, 1, 14, 14, Layout.NCHW, out));
            ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 1f, 1f);
            float[] fin = floats(64 * 14 * 14, rnd);
            float[] fout = new float[32 * 14 * 14];
            TernaryConv2d layer = TernaryConv2d.of(conv, q, FloatEpilogue.of(ones(32), new float[32], true));
            measure("TernaryConv2d.forward 64->32 3x3 14x14, " + threads + " thread(s)", threads,
                    () -> layer.forward(fin, 1, 14, 14, Layout.NCHW, fout));
        }
        assertBounded();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void linearLayersOnVirtualThreads() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int threads : new int[] {1, 2}) {
            GemmEngine engine = Gemm.engine().withThreads(threads);
            int outF = 256;
            int inF = 1024;
            float[] sw = new float[outF];
            java.util.Arrays.fill(sw, 0.1f);
            TernaryLinear layer = new TernaryLinear(floats(outF * inF, rnd), outF, inF,
                    WeightQuantizer.fatnn(1.7f, 2.3f, false, sw), ActivationQuantizer.fatnn(0.5f, 1.25f, 0.8f), null,
                    true, engine);
            for (int batch : new int[] {1, 16}) {
                float[] x = floats(batch * inF, rnd);
                float[] out = new float[batch * outF];
                measure("TernaryLinear.forward 1024->256 batch " + batch + ", " + threads + " thread(s)", threads,
                        () -> layer.forward(x, batch, out));
            }
        }
        assertBounded();
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}

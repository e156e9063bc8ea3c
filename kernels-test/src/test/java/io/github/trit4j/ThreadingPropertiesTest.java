package io.github.trit4j;

import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.GemmCase;
import io.github.trit4j.testkit.NaiveGemm;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The multi-threaded and cache-blocked paths: any thread count, on trit4j's helpers or a
 * caller's executor, and any macro-kernel block size give the oracle's integers. The split
 * threshold is lowered to 0 so that even 1 x 1 products are cut into blocks, and with an
 * even thread count the column-panel blocks shrink to 2 panels, which puts every block
 * edge on a tile edge somewhere.
 */
class ThreadingPropertiesTest {

    @TestFactory
    List<DynamicTest> everyShapeAnyThreadCountEqualsTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1], () ->
                        qt().withExamples(Math.max(10, TestShapes.examples(isa) / 4))
                                .forAll(KitAdapters.gemmCases(pair, GemmPropertiesTest.MAX_DIM,
                                        GemmPropertiesTest.MAX_K), integers().between(1, 7))
                                .checkAssert((c, threads) -> {
                                    // threshold 0: even 1 x 1 products are split; tiny macro-kernel blocks
                                    // (2 panels): every block edge lands on a tile edge somewhere
                                    GemmEngine engine = GemmEngine.of(isa).withThreads(threads).withParallelThreshold(0)
                                            .withPanelBlockBytes(threads % 2 == 0 ? 1 : 1 << 20);
                                    byte[] wv = c.weights();
                                    byte[] xv = c.activations();
                                    PackedMatrix w = PackedMatrix.pack(pair[0], wv, c.m(), c.k());
                                    PackedMatrix x = PackedMatrix.pack(pair[1], xv, c.n(), c.k());
                                    int[] expected = NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k());
                                    for (Algorithm a : Algorithm.values()) {
                                        assertArrayEquals(expected, engine.multiply(w, x, a),
                                                () -> isa + " " + a + " on " + threads + " threads differs for " + c);
                                    }
                                })));
            }
        }
        return tests;
    }

    @Test
    void callersExecutorRunsTheBlocks() throws Exception {
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            GemmEngine engine = Gemm.engine().withThreads(4).withParallelThreshold(0)
                    .withExecutor(task -> {
                        submitted.incrementAndGet();
                        pool.execute(task);
                    });
            GemmCase c = new GemmCase(CodeSet.TERNARY, CodeSet.TERNARY_UNSIGNED, 64, 67, 700,
                    ValuePattern.RANDOM, ValuePattern.RANDOM, 11);
            byte[] wv = c.weights();
            byte[] xv = c.activations();
            int[] got = engine.multiply(PackedMatrix.pack(Precision.TERNARY, wv, 64, 700),
                    PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, 67, 700));
            assertArrayEquals(NaiveGemm.multiply(wv, xv, 64, 67, 700), got);
            assertEquals(3, submitted.get(), "4 threads: 3 helper tasks on the executor, the caller works too");
        } finally {
            pool.shutdownNow();
        }
    }

    /** An executor that drops or rejects the helper tasks leaves the work to the caller: exact, and no stall. */
    @Test
    void executorsThatNeverRunTheTasksCannotStallAProduct() {
        GemmCase c = new GemmCase(CodeSet.TERNARY, CodeSet.TWO_BIT, 37, 70, 1500,
                ValuePattern.RANDOM, ValuePattern.RANDOM, 3);
        byte[] wv = c.weights();
        byte[] xv = c.activations();
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, 37, 1500);
        PackedMatrix x = PackedMatrix.pack(Precision.TWO_BIT, xv, 70, 1500);
        int[] expected = NaiveGemm.multiply(wv, xv, 37, 70, 1500);
        java.util.concurrent.Executor dropping = task -> { };
        java.util.concurrent.Executor rejecting = task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        };
        for (Isa isa : TestShapes.shapes()) {
            for (java.util.concurrent.Executor executor : List.of(dropping, rejecting)) {
                GemmEngine engine = GemmEngine.of(isa).withThreads(3).withParallelThreshold(0).withExecutor(executor);
                assertArrayEquals(expected, engine.multiply(w, x), () -> isa + " with an executor that never runs");
            }
        }
    }

    @Test
    void packedWeightsAreSharedSafelyAcrossCallerThreads() throws Exception {
        GemmCase c = new GemmCase(CodeSet.TERNARY, CodeSet.TERNARY, 33, 41, 1025,
                ValuePattern.MIXED_ROWS, ValuePattern.MIXED_ROWS, 5);
        byte[] wv = c.weights();
        byte[] xv = c.activations();
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, 33, 1025);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY, xv, 41, 1025); // views built lazily, racing
        int[] expected = NaiveGemm.multiply(wv, xv, 33, 41, 1025);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Algorithm a = Algorithm.values()[t % 2];
            Thread thread = new Thread(() -> {
                try {
                    for (int r = 0; r < 20; r++) {
                        assertArrayEquals(expected, Gemm.multiply(w, x, a));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(120_000);
            assertTrue(!thread.isAlive(), "a caller did not finish in 120 s");
        }
        assertTrue(failures.isEmpty(), () -> failures.toString());
    }

    /**
     * The default helpers are bounded: however many callers run multi-threaded products at
     * once, trit4j starts at most availableProcessors - 1 helper threads, all daemons, and
     * every product is still exact.
     */
    @Test
    void defaultHelpersAreFewDaemonsAndProductsStayExact() throws Exception {
        GemmEngine engine = Gemm.engine().withThreads(4).withParallelThreshold(1);
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, 37, 300, 5);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, 41, 300, 6);
        int[] expected = NaiveGemm.multiply(wv, xv, 37, 41, 300);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, 37, 300);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, 41, 300);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Boolean>> done = new java.util.ArrayList<>();
            for (int c = 0; c < 6; c++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        if (!java.util.Arrays.equals(expected, engine.multiply(w, x))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> f : done) {
                assertTrue(f.get(120, java.util.concurrent.TimeUnit.SECONDS),
                        "a concurrent multi-threaded product differs from the oracle");
            }
        } finally {
            callers.shutdownNow();
        }
        List<Thread> helpers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("trit4j-helper-")).toList();
        int max = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
        assertTrue(helpers.size() <= max, () -> helpers.size() + " helper threads, at most " + max + " expected");
        assertTrue(helpers.stream().allMatch(Thread::isDaemon), "helpers must be daemon threads");
    }

    @Test
    void badThreadCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Gemm.engine().withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Gemm.engine().withThreads(-3));
        assertThrows(NullPointerException.class, () -> Gemm.engine().withExecutor(null));
    }
}

package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.NaiveGemm;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A multi-threaded product that meets a failure (an executor that throws, a chunk that throws,
 * a helper that leaves a chunk unfinished) never writes to the caller's array after the call
 * has returned or thrown, and never hangs.
 */
class FailureContainmentTest {

    private static final int M = 64;
    private static final int N = 500;
    private static final int K = 576;

    /**
     * An executor that accepts its first task, runs it late on its own thread, and throws on
     * every later one: what a {@code ThreadPoolExecutor} does when its second worker cannot get
     * a native thread.
     */
    private static final class FailingAfterOne implements Executor {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        private final Throwable failure;

        FailingAfterOne(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public void execute(Runnable task) {
            if (accepted.getAndIncrement() > 0) {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(50); // starts after the caller has met the failure
                } catch (InterruptedException e) {
                    return;
                }
                running.incrementAndGet();
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                }
            }, "failing-executor-worker");
            t.setDaemon(true);
            synchronized (threads) {
                threads.add(t);
            }
            t.start();
        }

        void joinAll() throws InterruptedException {
            synchronized (threads) {
                for (Thread t : threads) {
                    t.join(10_000);
                    assertTrue(!t.isAlive(), "executor worker still running after 10 s");
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void executorThatThrowsAfterAcceptingLeavesNoLateWritesInGemm() throws Exception {
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, M, K, 1);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, N, K, 2);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, M, K);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, N, K);
        int[] expected = NaiveGemm.multiply(wv, xv, M, N, K);
        for (Isa isa : TestShapes.shapes()) {
            for (Throwable failure : List.of(new IllegalStateException("executor broken"),
                    new OutOfMemoryError("unable to create native thread"))) {
                FailingAfterOne executor = new FailingAfterOne(failure);
                GemmEngine engine = GemmEngine.of(isa).withThreads(4).withExecutor(executor);
                int[] out = new int[M * N];
                Arrays.fill(out, 42);
                // the caller runs what the executor would not take: the product succeeds, exactly
                engine.multiply(w, x, Algorithm.FATNN, out);
                int[] atReturn = out.clone();
                assertArrayEquals(expected, atReturn, () -> isa + ": product with a failing executor");
                executor.joinAll();
                assertArrayEquals(atReturn, out, () -> isa + ": written after the call returned");
                assertEquals(0, executor.running.get());
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void executorThatThrowsAfterAcceptingLeavesNoLateWritesInConv() throws Exception {
        Conv2dSpec spec = Conv2dSpec.of(16, 64, 3, 3).padding(1);
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] weights = new byte[spec.weightLength()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (rnd.nextInt(3) - 1);
        }
        int h = 28;
        int wd = 28;
        for (int batch : new int[] {1, 2}) {
            byte[] input = new byte[batch * 16 * h * wd];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) rnd.nextInt(3);
            }
            int[] expected = new Conv2d(spec, Precision.TERNARY, weights, Precision.TERNARY_UNSIGNED,
                    GemmEngine.of(Isa.SCALAR).withThreads(1), Algorithm.FATNN)
                    .forward(input, batch, h, wd, Layout.NCHW);
            for (Isa isa : TestShapes.shapes()) {
                FailingAfterOne executor = new FailingAfterOne(new IllegalStateException("executor broken"));
                Conv2d conv = new Conv2d(spec, Precision.TERNARY, weights, Precision.TERNARY_UNSIGNED,
                        GemmEngine.of(isa).withThreads(4).withExecutor(executor), Algorithm.FATNN);
                int[] out = new int[expected.length];
                conv.forward(input, batch, h, wd, Layout.NCHW, out);
                int[] atReturn = out.clone();
                assertArrayEquals(expected, atReturn, () -> isa + ": convolution with a failing executor");
                executor.joinAll();
                assertArrayEquals(atReturn, out, () -> isa + ": written after the call returned");
            }
        }
    }

    /** A chunk that throws an Error on a helper: the caller gets that Error, promptly. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void errorInAHelpersChunkReachesTheCaller() {
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, M, K, 3);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, N, K, 4);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, M, K);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, N, K);
        Error boom = new Error("boom in a helper's chunk");
        Thread caller = Thread.currentThread();
        GemmEngine.ChunkObserver throwing = new GemmEngine.ChunkObserver() {
            @Override
            public void started(int chunk) {
                if (Thread.currentThread() != caller) {
                    throw boom;
                }
                // the caller slows down so that the helper surely takes a chunk
                long until = System.nanoTime() + 2_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }

            @Override
            public void ended(int chunk) {
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (Isa isa : TestShapes.shapes()) {
                for (Executor ex : new Executor[] {null, pool}) {
                    GemmEngine engine = GemmEngine.of(isa).withThreads(4).withChunkObserver(throwing);
                    if (ex != null) {
                        engine = engine.withExecutor(ex);
                    }
                    GemmEngine e = engine;
                    if (Runtime.getRuntime().availableProcessors() < 2 && ex == null) {
                        continue; // no own helpers to fail
                    }
                    Error got = assertThrows(Error.class, () -> e.multiply(w, x));
                    assertSame(boom, got, () -> isa + ": " + got);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Helper tasks run at the edge of their thread's stack: a StackOverflowError can strike
     * anywhere in the chunk loop, also between taking a chunk and accounting for it. Each
     * product either is exact or throws, within a bound; none hangs.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void helpersDyingAnywhereInTheChunkLoopNeverHangTheCaller() throws Exception {
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, 16, 256, 5);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, 40, 256, 6);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, 16, 256);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, 40, 256);
        int[] expected = NaiveGemm.multiply(wv, xv, 16, 40, 256);
        EdgeOfStackExecutor executor = new EdgeOfStackExecutor();
        try {
            Thread[] caller = new Thread[1];
            // the caller dawdles over its chunks, so that the helper surely takes some
            GemmEngine.ChunkObserver slowCaller = new GemmEngine.ChunkObserver() {
                @Override
                public void started(int chunk) {
                    if (Thread.currentThread() == caller[0]) {
                        long until = System.nanoTime() + 1_000_000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                }

                @Override
                public void ended(int chunk) {
                }
            };
            GemmEngine engine = GemmEngine.of(Isa.SCALAR).withThreads(2).withParallelThreshold(0)
                    .withExecutor(executor).withChunkObserver(slowCaller);
            int exact = 0;
            int failed = 0;
            for (int margin = 0; margin < 400; margin++) {
                executor.margin = margin;
                java.util.concurrent.Future<int[]> product = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            caller[0] = Thread.currentThread();
                            return engine.multiply(w, x);
                        }, r -> {
                            Thread t = new Thread(r, "product-caller");
                            t.setDaemon(true);
                            t.start();
                        });
                try {
                    int[] got = product.get(20, TimeUnit.SECONDS);
                    assertArrayEquals(expected, got, "margin " + margin);
                    exact++;
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++; // an exception is fine; a wrong answer or a hang is not
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("the product hung with the helper dying at stack margin " + margin);
                }
            }
            assertTrue(exact > 0, "no product succeeded");
            System.out.println("edge-of-stack products: " + exact + " exact, " + failed + " failed cleanly");
        } finally {
            executor.shutdown();
        }
    }

    /** Runs each task on one thread, {@code margin} frames above the depth where its stack overflows. */
    private static final class EdgeOfStackExecutor implements Executor {
        volatile int margin;
        private final java.util.concurrent.LinkedBlockingQueue<Runnable> queue =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread thread;
        /** Deepest frame {@link #descend} reached; only the executor's thread touches it. */
        private static int reached;

        EdgeOfStackExecutor() {
            thread = new Thread(null, this::loop, "edge-of-stack", 256 * 1024);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }

        void shutdown() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
        }

        private void loop() {
            while (true) {
                int depthLimit = measure(); // before the task arrives: it must not wait for this
                Runnable task;
                try {
                    task = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    descend(0, Math.max(0, depthLimit - margin), task);
                } catch (StackOverflowError expected) {
                    // the task died somewhere; this thread lives on
                }
            }
        }

        /** The depth of {@link #descend} at which this thread's stack overflows, measured now (the JIT changes it). */
        private static int measure() {
            try {
                descend(0, Integer.MAX_VALUE, null);
            } catch (StackOverflowError e) {
                // reached holds the depth
            }
            return reached;
        }

        private static void descend(int depth, int target, Runnable task) {
            reached = depth;
            if (depth >= target) {
                task.run();
            } else {
                descend(depth + 1, target, task);
            }
        }
    }
}

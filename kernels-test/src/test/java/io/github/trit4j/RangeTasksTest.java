package io.github.trit4j;

import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.NaiveGemm;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GemmEngine#runRanges}: the ranges, bad arguments, failures, the reuse of the calling
 * thread's chunk state (with helper tasks that run late, after their call has returned, while
 * the same thread makes its next call), and no allocation per call in steady state.
 */
class RangeTasksTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void badArgumentsAreNamed() {
        GemmEngine e = Gemm.engine().withThreads(2);
        RangeTask nothing = (from, to) -> { };
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> e.runRanges(0, 1, nothing));
        assertTrue(u.getMessage().contains("units") && u.getMessage().contains("0"), u.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> e.runRanges(4, 5, nothing));
        assertTrue(r.getMessage().contains("ranges") && r.getMessage().contains("5"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.runRanges(4, 0, nothing));
        assertThrows(NullPointerException.class, () -> e.runRanges(4, 2, null));
    }

    /** Every range exactly once, as documented, at any thread count; in order on one thread. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void rangesCoverTheUnitsOnce() {
        SplittableRandom random = new SplittableRandom(3);
        for (int threads : new int[] {1, 2, 3, 8}) {
            GemmEngine e = Gemm.engine().withThreads(threads);
            for (int trial = 0; trial < 200; trial++) {
                int units = 1 + random.nextInt(300);
                int ranges = 1 + random.nextInt(units);
                AtomicIntegerArray seen = new AtomicIntegerArray(units);
                List<int[]> calls = java.util.Collections.synchronizedList(new ArrayList<>());
                e.runRanges(units, ranges, (from, to) -> {
                    calls.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                assertEquals(ranges, calls.size(), "ranges of " + units + " units");
                for (int[] c : calls) {
                    int r = (int) ((long) c[0] * ranges / units);
                    // range r is [units * r / ranges, units * (r + 1) / ranges)
                    int lo = (int) ((long) units * r / ranges);
                    int rr = lo == c[0] ? r : r + 1;
                    assertEquals((int) ((long) units * rr / ranges), c[0]);
                    assertEquals((int) ((long) units * (rr + 1) / ranges), c[1]);
                }
                for (int i = 0; i < units; i++) {
                    assertEquals(1, seen.get(i), "unit " + i + " of " + units + " in " + ranges + " ranges");
                }
                if (threads == 1) {
                    for (int i = 1; i < calls.size(); i++) {
                        assertEquals(calls.get(i - 1)[1], calls.get(i)[0], "one thread runs the ranges in order");
                    }
                }
            }
        }
    }

    /** A range that throws on a helper reaches the caller, as is; no range runs after the call. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFailingRangeIsRethrownAndNothingRunsLater() throws Exception {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "no helpers on one processor");
        GemmEngine e = Gemm.engine().withThreads(2);
        AtomicInteger after = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            boolean[] returned = {false};
            IllegalStateException boom = new IllegalStateException("boom " + i);
            Thread caller = Thread.currentThread();
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> e.runRanges(64, 64,
                    (from, to) -> {
                        synchronized (returned) {
                            if (returned[0]) {
                                after.incrementAndGet();
                            }
                        }
                        if (Thread.currentThread() != caller || from == 0) {
                            throw boom; // the first range of the caller, or any helper's
                        }
                        spin(20_000);
                    }));
            assertSame(boom, thrown);
            synchronized (returned) {
                returned[0] = true;
            }
        }
        Thread.sleep(20);
        assertEquals(0, after.get(), "ranges run after their call threw");
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** A thread of {@link LateExecutor}, knowing the call whose task it was handed. */
    private static final class LateThread extends Thread {
        final int of;

        LateThread(int of, Runnable r) {
            super(r, "late-executor");
            this.of = of;
        }
    }

    /**
     * Runs each task on a thread of its own after a random delay of up to 2 ms: most run after
     * their call has returned (the caller did every range), while the same calling thread is
     * in its next call. Records whether each ran late.
     */
    private static final class LateExecutor implements Executor {
        final SplittableRandom random = new SplittableRandom(11);
        final LinkedBlockingQueue<Thread> started = new LinkedBlockingQueue<>();
        final AtomicInteger late = new AtomicInteger();
        volatile int call;

        @Override
        public void execute(Runnable task) {
            int of = call;
            long delay;
            synchronized (random) {
                delay = random.nextLong(2_000_000);
            }
            Thread t = new LateThread(of, () -> {
                spinOrSleep(delay);
                if (call != of) {
                    late.incrementAndGet();
                }
                task.run();
            });
            t.setDaemon(true);
            started.add(t);
            t.start();
        }

        private static void spinOrSleep(long nanos) {
            if (nanos > 500_000) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            } else {
                spin(nanos);
            }
        }

        void joinAll() throws InterruptedException {
            for (Thread t : started) {
                t.join(10_000);
                assertTrue(!t.isAlive(), "executor thread still running after 10 s");
            }
        }
    }

    /**
     * The calling thread's chunk state is reused from call to call; a helper task of an earlier
     * call that runs late, while the same thread is in its next call, must not run a range of
     * that next call (nor of its own, finished call). Each range of each call runs exactly once,
     * during its call, and the kept state is reused many times (so the race was exercised).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lateHelperTasksNeverJoinTheNextCallOfTheirThread() throws Exception {
        LateExecutor executor = new LateExecutor();
        GemmEngine e = Gemm.engine().withThreads(4).withExecutor(executor);
        int units = 48;
        AtomicIntegerArray seen = new AtomicIntegerArray(units);
        AtomicInteger outside = new AtomicInteger();
        AtomicInteger foreign = new AtomicInteger();
        int[] active = {-1};
        RangeTask task = new RangeTask() {
            @Override
            public void run(int from, int to) {
                int call;
                synchronized (active) {
                    call = active[0];
                }
                if (call < 0) {
                    outside.incrementAndGet();
                }
                if (Thread.currentThread() instanceof LateThread t && t.of != call) {
                    foreign.incrementAndGet(); // a task handed out for another call ran this one's range
                }
                spin(5_000L * (to - from));
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            }
        };
        int calls = 2000;
        for (int c = 0; c < calls; c++) {
            executor.call = c;
            synchronized (active) {
                active[0] = c;
            }
            e.runRanges(units, 12, task);
            synchronized (active) {
                active[0] = -1;
            }
            for (int i = 0; i < units; i++) {
                int n = seen.getAndSet(i, 0);
                if (n != 1) {
                    throw new AssertionError("call " + c + ": unit " + i + " ran " + n + " times");
                }
            }
        }
        executor.joinAll();
        assertEquals(0, outside.get(), "ranges run outside their call");
        assertEquals(0, foreign.get(), "ranges run by a helper task handed out for another call");
        long reused = 0;
        for (Chunks k : Chunks.keptByThisThread()) {
            reused = Math.max(reused, k == null ? 0 : k.calls());
        }
        assertTrue(executor.late.get() > 0, "no helper task ran late: the race was not exercised");
        assertTrue(reused > calls / 10, "the kept chunk state was reused only " + reused + " times");
        System.out.println("late helper tasks: " + executor.late.get() + " of " + executor.started.size()
                + "; most calls on one kept state: " + reused);
    }

    /** The same with products: exact results while late helper tasks of earlier products run. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lateHelperTasksLeaveLaterProductsExact() throws Exception {
        LateExecutor executor = new LateExecutor();
        int m = 24;
        int n = 40;
        int k = 256;
        GemmEngine e = GemmEngine.of(Isa.SCALAR).withThreads(3).withParallelThreshold(0).withExecutor(executor);
        for (int c = 0; c < 300; c++) {
            executor.call = c;
            byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, m, k, c);
            byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, n, k, c + 1000);
            int[] out = e.multiply(PackedMatrix.pack(Precision.TERNARY, wv, m, k),
                    PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, n, k));
            assertArrayEquals(NaiveGemm.multiply(wv, xv, m, n, k), out, "product " + c);
        }
        executor.joinAll();
    }

    /** Bytes allocated so far by the threads {@code ids}. */
    private static long allocated(long[] ids) {
        long sum = 0;
        for (long b : THREADS.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /**
     * At 2 threads on trit4j's helpers, neither {@code runRanges} with a kept task nor a product
     * into a kept array allocates, on the caller or on the helpers, once warm. (Reading the
     * counters allocates a small array per round of many calls: less than a byte per call.)
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void steadyStateCallsAllocateNothing() {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "no helpers on one processor");
        Assumptions.assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        GemmEngine e = Gemm.engine().withThreads(2);
        float[] data = new float[4096];
        RangeTask task = (from, to) -> {
            for (int i = from; i < to; i++) {
                data[i] = data[i] * 0.5f + 1f;
            }
        };
        int m = 64;
        int n = 256;
        int k = 512;
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, ValuePattern.RANDOM.values(CodeSet.TERNARY, m, k, 1),
                m, k);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED,
                ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, n, k, 2), n, k);
        int[] out = new int[m * n];
        for (int i = 0; i < 100; i++) { // starts the helpers
            e.runRanges(data.length, 8, task);
            e.multiply(w, x, Algorithm.FATNN, out);
        }
        List<Long> idList = new ArrayList<>();
        idList.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("trit4j-helper-")) {
                idList.add(t.threadId());
            }
        }
        assertTrue(idList.size() > 1, "no helper thread started");
        long[] ids = idList.stream().mapToLong(Long::longValue).toArray();
        int round = 2000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long ranges;
        long products;
        do {
            long before = allocated(ids);
            for (int i = 0; i < round; i++) {
                e.runRanges(data.length, 8, task);
            }
            long mid = allocated(ids);
            for (int i = 0; i < round; i++) {
                e.multiply(w, x, Algorithm.FATNN, out);
            }
            long after = allocated(ids);
            ranges = (mid - before) / round;
            products = (after - mid) / round;
        } while ((ranges > 0 || products > 0) && System.nanoTime() < deadline);
        assertEquals(0, ranges, "bytes per runRanges call at 2 threads");
        assertEquals(0, products, "bytes per product at 2 threads");
    }
}

package io.github.trit4j;

import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.NaiveGemm;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trit4j's own helper threads: whose they are, what an interrupt does to them, and how many work at once. */
class HelperThreadsTest {

    private static final int M = 64;
    private static final int N = 500;
    private static final int K = 576;

    private static List<Thread> helpers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("trit4j-helper-")).toList();
    }

    private static boolean within(ThreadGroup group, ThreadGroup ancestor) {
        for (ThreadGroup g = group; g != null; g = g.getParent()) {
            if (g == ancestor) {
                return true;
            }
        }
        return false;
    }

    /**
     * Helpers started by a caller in its own thread group do not join that group (nor the main
     * one); interrupting them, as {@code ThreadGroup.interrupt()} on a caller's group would, leaves
     * them parked, not spinning, and products stay exact.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void helpersBelongToNoCallersGroupAndIgnoreInterrupts() throws Exception {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "no helpers on one processor");
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, M, K, 1);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, N, K, 2);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, M, K);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, N, K);
        int[] expected = NaiveGemm.multiply(wv, xv, M, N, K);
        GemmEngine engine = Gemm.engine().withThreads(Runtime.getRuntime().availableProcessors());
        ThreadGroup callers = new ThreadGroup("some-callers");
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread caller = new Thread(callers, () -> {
            try {
                for (int i = 0; i < 20; i++) {
                    assertArrayEquals(expected, engine.multiply(w, x));
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "grouped-caller");
        caller.start();
        caller.join(60_000);
        assertFalse(caller.isAlive(), "caller did not finish in 60 s");
        assertTrue(failures.isEmpty(), failures::toString);
        List<Thread> helpers = helpers();
        assertFalse(helpers.isEmpty(), "no trit4j helper thread after multi-threaded products");
        ThreadGroup main = Thread.currentThread().getThreadGroup();
        for (Thread h : helpers) {
            assertFalse(within(h.getThreadGroup(), callers), () -> h + " is in the caller's group");
            assertFalse(within(h.getThreadGroup(), main), () -> h + " is in the test's group " + main.getName());
        }
        callers.interrupt();
        for (Thread h : helpers) {
            h.interrupt();
        }
        Thread.sleep(100); // past the helpers' spin time
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadCpuTimeSupported(), "no per-thread CPU time here");
        long cpu0 = 0;
        for (Thread h : helpers) {
            cpu0 += Math.max(0, mx.getThreadCpuTime(h.threadId()));
        }
        long wall0 = System.nanoTime();
        Thread.sleep(500);
        long cpu1 = 0;
        for (Thread h : helpers) {
            cpu1 += Math.max(0, mx.getThreadCpuTime(h.threadId()));
        }
        long wall = System.nanoTime() - wall0;
        long busy = cpu1 - cpu0;
        // a parked helper uses next to no CPU; a spinning one uses all of its core
        assertTrue(busy < wall / 2 * helpers.size(), () -> "interrupted helpers used " + busy / 1_000_000
                + " ms of CPU in " + wall / 1_000_000 + " ms: they spin");
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(expected, engine.multiply(w, x), "after interrupting the helpers");
        }
    }

    /**
     * Twelve callers on withThreads(4): however many products run at once, at most
     * availableProcessors - 1 threads besides the callers run product work at any moment, all
     * of them trit4j's helpers (no other pool is drawn in), and every product is exact.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void concurrentProductsShareTheCoresHelpers() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, M, K, 3);
        byte[] xv = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, N, K, 4);
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, wv, M, K);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, xv, N, K);
        int[] expected = NaiveGemm.multiply(wv, xv, M, N, K);
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        Set<String> workers = ConcurrentHashMap.newKeySet();
        AtomicInteger helping = new AtomicInteger();
        AtomicInteger maxHelping = new AtomicInteger();
        GemmEngine.ChunkObserver count = new GemmEngine.ChunkObserver() {
            @Override
            public void started(int chunk) {
                if (!callers.contains(Thread.currentThread())) {
                    workers.add(Thread.currentThread().getName());
                    maxHelping.accumulateAndGet(helping.incrementAndGet(), Math::max);
                }
            }

            @Override
            public void ended(int chunk) {
                if (!callers.contains(Thread.currentThread())) {
                    helping.decrementAndGet();
                }
            }
        };
        GemmEngine engine = Gemm.engine().withThreads(4).withChunkObserver(count);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<Boolean>> done = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                done.add(pool.submit(() -> {
                    callers.add(Thread.currentThread());
                    for (int i = 0; i < 30; i++) {
                        if (!java.util.Arrays.equals(expected, engine.multiply(w, x))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> f : done) {
                assertTrue(f.get(150, TimeUnit.SECONDS), "a concurrent product differs from the oracle");
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(workers.stream().allMatch(n -> n.startsWith("trit4j-helper-")),
                () -> "product work ran on other threads: " + workers);
        assertTrue(maxHelping.get() <= Math.max(0, cores - 1), () -> maxHelping.get()
                + " helper threads ran product work at once on " + cores + " processors");
    }
}

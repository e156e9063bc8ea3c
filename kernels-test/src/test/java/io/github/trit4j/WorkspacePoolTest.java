package io.github.trit4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The workspace pool: a platform thread keeps its own, re-entrant calls and virtual threads share a bounded pool. */
class WorkspacePoolTest {

    @Test
    void aPlatformThreadReusesItsWorkspaceAndAReentrantCallGetsAnother() {
        AtomicInteger made = new AtomicInteger();
        WorkspacePool<int[]> pool = new WorkspacePool<>(() -> new int[] {made.incrementAndGet()});
        int[] first = pool.acquire();
        int[] nested = pool.acquire(); // the thread's own is in use
        assertNotSame(first, nested);
        pool.release(nested);
        pool.release(first);
        assertSame(first, pool.acquire(), "the thread's own workspace, kept");
        assertSame(nested, pool.acquire(), "the re-entrant call's, pooled");
        assertEquals(2, made.get());
    }

    @Test
    void virtualThreadsShareAFewWorkspaces() throws Exception {
        AtomicInteger made = new AtomicInteger();
        WorkspacePool<Object> pool = new WorkspacePool<>(() -> {
            made.incrementAndGet();
            return new Object();
        });
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int calls = 2000;
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> done = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                done.add(virtual.submit(() -> {
                    Object w = pool.acquire();
                    try {
                        Thread.onSpinWait();
                        return w;
                    } finally {
                        pool.release(w);
                    }
                }));
            }
            for (Future<Object> f : done) {
                seen.add(f.get());
            }
        }
        // at most one per call in progress at once; with a per-thread workspace it would be one per call
        assertTrue(made.get() <= 4 * WorkspacePool.pooled(), made.get() + " workspaces made for " + calls + " calls");
        assertEquals(made.get(), seen.size());
    }

    @Test
    void nullsAreRefusedByName() {
        assertTrue(assertThrows(NullPointerException.class, () -> new WorkspacePool<>(null)).getMessage()
                .contains("factory"));
        WorkspacePool<Object> nulls = new WorkspacePool<>(() -> null);
        assertTrue(assertThrows(NullPointerException.class, nulls::acquire).getMessage().contains("null"));
        WorkspacePool<Object> pool = new WorkspacePool<>(Object::new);
        assertTrue(assertThrows(NullPointerException.class, () -> pool.release(null)).getMessage()
                .contains("workspace"));
    }

    /**
     * A workspace released twice is refused (IllegalStateException) instead of being pooled twice,
     * which handed one workspace to two calls at once (silently shared buffers, wrong results):
     * the platform thread's own, and a pooled one, on a platform and on a virtual thread.
     */
    @Test
    void aWorkspaceReleasedTwiceIsRefused() throws Exception {
        WorkspacePool<int[]> pool = new WorkspacePool<>(() -> new int[1]);
        int[] own = pool.acquire();
        int[] nested = pool.acquire();
        pool.release(nested);
        assertThrows(IllegalStateException.class, () -> pool.release(nested));
        pool.release(own);
        assertThrows(IllegalStateException.class, () -> pool.release(own));
        int[] a = pool.acquire();
        int[] b = pool.acquire();
        assertNotSame(a, b, "two calls in progress never share a workspace");
        pool.release(b);
        pool.release(a);
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            virtual.submit(() -> {
                int[] v = pool.acquire();
                pool.release(v);
                assertThrows(IllegalStateException.class, () -> pool.release(v));
                int[] v1 = pool.acquire();
                int[] v2 = pool.acquire();
                assertNotSame(v1, v2);
                return null;
            }).get();
        }
    }
}

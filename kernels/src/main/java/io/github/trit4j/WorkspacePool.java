package io.github.trit4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Per-call workspaces (a layer's buffers) that a steady state reuses, on platform and virtual
 * threads alike: the mechanism trit4j's own layers ({@link io.github.trit4j.conv.Conv2d}'s packed
 * pixels and patches, the fused products' tiles) and trit4j-nn's network use, for a layer library
 * built on trit4j to use too. A layer that runs from many threads at once needs a buffer per call
 * in progress; making one per call allocates on every call, and a buffer per thread in a
 * {@link ThreadLocal} is one per call again on virtual threads, which are usually made for one
 * task and thrown away. This pool hands out:
 * <ul>
 *   <li>on a platform thread, that thread's own workspace (made on its first call and kept), marked
 *       in use until {@link #release}; a re-entrant call on the same thread (a fork-join worker
 *       running another task while it waits) gets one from the shared pool below instead;</li>
 *   <li>on a virtual thread, a workspace from a small bounded pool shared by all virtual threads
 *       (lock-free), put back on {@link #release}, so an executor of virtual threads reuses a few
 *       workspaces. When the pool is empty (more calls at once than workspaces pooled) a new one is
 *       made, and dropped on release when the pool is full.</li>
 * </ul>
 * Every call between {@link #acquire} and {@link #release} has its workspace to itself, so the
 * workspace needs no synchronisation.
 *
 * <pre>{@code
 * final class MyLayer {
 *     private final WorkspacePool<float[][]> buffers = new WorkspacePool<>(() -> new float[1][0]);
 *
 *     void forward(float[] x, float[] y) {
 *         float[][] holder = buffers.acquire();
 *         try {
 *             if (holder[0].length < y.length) {
 *                 holder[0] = new float[y.length]; // grows once, then reused
 *             }
 *             // ... compute into holder[0], then y
 *         } finally {
 *             buffers.release(holder);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe. A platform thread's workspace stays with that thread until the thread (or the
 * pool) is gone; at most {@link #pooled()} workspaces are pooled for virtual threads.
 *
 * @param <T> the workspace type, typically a small class of arrays resized on demand
 */
public final class WorkspacePool<T> {

    /** Workspaces pooled for virtual threads and re-entrant calls: enough for every carrier thread twice. */
    private static final int POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final Supplier<T> factory;
    private final ThreadLocal<Slot<T>> local;
    private final AtomicReferenceArray<T> pool = new AtomicReferenceArray<>(POOLED);

    /** A platform thread's workspace and whether a call on that thread is using it. */
    private static final class Slot<T> {
        final T value;
        boolean inUse;

        Slot(T value) {
            this.value = value;
        }
    }

    /**
     * A pool of workspaces made by {@code factory} when needed.
     *
     * @param factory makes an empty workspace; must not return null
     * @throws NullPointerException if {@code factory} is null
     */
    public WorkspacePool(Supplier<T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.local = ThreadLocal.withInitial(() -> new Slot<>(make()));
    }

    /**
     * Workspaces pooled for virtual threads (and re-entrant calls) at most: twice the available
     * processors, at least 4.
     *
     * @return the bound
     */
    public static int pooled() {
        return POOLED;
    }

    /**
     * A workspace for this call, used by no other call until {@link #release}: the platform
     * thread's own if it is free, else a pooled one, else a new one.
     *
     * @return the workspace
     * @throws NullPointerException if the factory returned null
     */
    public T acquire() {
        if (!Thread.currentThread().isVirtual()) {
            Slot<T> slot = local.get();
            if (!slot.inUse) {
                slot.inUse = true;
                return slot.value;
            }
        }
        for (int i = 0; i < POOLED; i++) {
            if (pool.getPlain(i) != null) {
                T t = pool.getAndSet(i, null);
                if (t != null) {
                    return t;
                }
            }
        }
        return make();
    }

    /**
     * Ends a call's use of {@code workspace}, which {@link #acquire} returned on this thread; the
     * call must not touch it afterwards. Release each workspace once: a second release (which
     * would hand it to two calls at once) is refused when it is seen, that is when the workspace
     * is this platform thread's own and already free, or already pooled.
     *
     * @param workspace the workspace
     * @throws NullPointerException  if {@code workspace} is null
     * @throws IllegalStateException if {@code workspace} is seen to be released already
     */
    public void release(T workspace) {
        Objects.requireNonNull(workspace, "workspace");
        if (!Thread.currentThread().isVirtual()) {
            Slot<T> slot = local.get();
            if (slot.value == workspace) {
                if (!slot.inUse) {
                    throw new IllegalStateException("workspace released twice: " + workspace);
                }
                slot.inUse = false;
                return;
            }
        }
        for (int i = 0; i < POOLED; i++) {
            if (pool.getPlain(i) == workspace) {
                throw new IllegalStateException("workspace released twice: " + workspace);
            }
        }
        for (int i = 0; i < POOLED; i++) {
            if (pool.getPlain(i) == null && pool.compareAndSet(i, null, workspace)) {
                return;
            }
        }
    }

    private T make() {
        return Objects.requireNonNull(factory.get(), "the workspace factory returned null");
    }

    @Override
    public String toString() {
        return "WorkspacePool[" + POOLED + " pooled for virtual threads]";
    }
}

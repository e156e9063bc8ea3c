package io.github.trit4j.nn.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The nn runtime's one mechanism for per-call buffers (a network's activations, a float GEMM's
 * packed operand and task): {@link #acquire} hands the calling thread a workspace, {@link #release}
 * gives it back, and a steady state allocates nothing.
 *
 * <ul>
 *   <li>A platform thread keeps its own workspace (a thread-local slot), reused by its next call;
 *       a re-entrant call on the same thread (a pool worker running another task while it waits)
 *       gets one from the shared pool below instead.</li>
 *   <li>A virtual thread, usually made for one task and thrown away, takes a workspace from a
 *       bounded pool shared by all virtual threads and puts it back when the call ends, so an
 *       executor of virtual threads reuses a few workspaces instead of making one per thread.
 *       When the pool is empty (more calls at once than workspaces pooled) a new workspace is
 *       made, and it is dropped on release when the pool is full.</li>
 * </ul>
 *
 * <p>Thread-safe. The same rule as trit4j kernels' per-layer scratch ({@code PerThread}), which
 * this module cannot see. Internal API (the package is not exported).
 *
 * <pre>{@code
 * W w = workspaces.acquire();
 * try { ... } finally { workspaces.release(w); }
 * }</pre>
 *
 * @param <T> the workspace type
 */
public final class Workspaces<T> {

    /** Workspaces pooled for virtual threads and re-entrant calls: enough for every carrier thread twice. */
    static final int POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

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
     * Workspaces made by {@code factory}.
     *
     * @param factory makes an empty workspace
     */
    public Workspaces(Supplier<T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.local = ThreadLocal.withInitial(() -> new Slot<>(factory.get()));
    }

    /**
     * A workspace for this call, not used by any other call until {@link #release}.
     *
     * @return the workspace
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
        return factory.get();
    }

    /**
     * Ends a call's use of {@code value}, which {@link #acquire} returned on this thread.
     *
     * @param value the workspace
     */
    public void release(T value) {
        if (!Thread.currentThread().isVirtual()) {
            Slot<T> slot = local.get();
            if (slot.value == value) {
                slot.inUse = false;
                return;
            }
        }
        for (int i = 0; i < POOLED; i++) {
            if (pool.getPlain(i) == null && pool.compareAndSet(i, null, value)) {
                return;
            }
        }
    }
}

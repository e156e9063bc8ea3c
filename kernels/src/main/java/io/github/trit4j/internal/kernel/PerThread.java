package io.github.trit4j.internal.kernel;

import java.util.function.Supplier;

/**
 * One owner's per-thread scratch (a layer's packed pixels, patch matrix, accumulators): each
 * thread that calls the owner gets its own {@code T}, kept and reused by that thread's next
 * call, so that a steady-state call allocates nothing. A call that finds its thread's scratch
 * in use (a re-entrant call on the same thread, such as a fork-join worker running another task
 * while it waits) gets a fresh one instead, used once. Never shared between threads, so the
 * scratch needs no synchronisation. Unlike {@link Scratch} (one per thread for every kernel,
 * which never re-enter), this is one per owner and thread. Internal API (the package is not
 * exported).
 *
 * <p>Virtual threads are usually made for one task and thrown away, so a scratch per virtual
 * thread would be a scratch per call: they take one from a small pool of this owner's instead
 * (bounded, lock-free), and give it back on {@link #release}; when the pool is empty a fresh one
 * is made, and dropped on release when the pool is full. trit4j-nn's {@code Workspaces} follows
 * the same rule.
 *
 * <pre>{@code
 * B b = scratch.acquire();
 * try { ... } finally { scratch.release(b); }
 * }</pre>
 *
 * @param <T> the scratch type, typically a class of arrays resized with {@link #exact}
 */
public final class PerThread<T> {

    private final Supplier<T> factory;
    private final ThreadLocal<Slot<T>> local;
    /** Scratch shared by virtual threads (and re-entrant calls), taken and given back. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<T> pool =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(POOLED);
    /** Pooled scratch per owner: enough for every carrier thread twice. */
    static final int POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** A thread's scratch and whether a call on that thread is using it. */
    private static final class Slot<T> {
        final T value;
        boolean inUse;

        Slot(T value) {
            this.value = value;
        }
    }

    /**
     * Scratch made by {@code factory}, once per thread (and once per re-entrant call).
     *
     * @param factory makes an empty scratch
     */
    public PerThread(Supplier<T> factory) {
        this.factory = factory;
        this.local = ThreadLocal.withInitial(() -> new Slot<>(factory.get()));
    }

    /**
     * This thread's scratch, marked in use until {@link #release}; a fresh one if it is in use.
     *
     * @return the scratch
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
     * @param value the scratch
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

    /**
     * {@code current} if it has exactly {@code size} elements, else a new array: buffers that
     * a packed matrix wraps must have the exact length.
     *
     * @param current the buffer so far, or null
     * @param size    the length wanted
     * @return an array of {@code size} longs (contents undefined when reused)
     */
    public static long[] exact(long[] current, int size) {
        return current != null && current.length == size ? current : new long[size];
    }

    /**
     * As {@link #exact(long[], int)}, for ints.
     *
     * @param current the buffer so far, or null
     * @param size    the length wanted
     * @return an array of {@code size} ints
     */
    public static int[] exact(int[] current, int size) {
        return current != null && current.length == size ? current : new int[size];
    }
}

package io.github.trit4j;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The helper threads of multi-threaded products on the default executor. Waking a parked
 * thread costs tens of microseconds on a loaded virtual machine, as much as a whole chunk of
 * a small product, and the products of a network's forward pass come back to back; so a
 * helper that finishes waits for the next product by spinning for {@link #SPIN_PROPERTY}
 * microseconds (default {@value #DEFAULT_SPIN_MICROS}) before it parks, as OpenMP and
 * OpenBLAS threads do. A product never depends on a helper: its caller takes chunks too, and
 * a helper that is busy or slow to wake leaves its share to the caller.
 *
 * <p>At most {@code availableProcessors - 1} daemon threads named {@code trit4j-helper-N},
 * started on the first product that needs them and kept for the life of the JVM (like
 * {@link java.util.concurrent.ForkJoinPool#commonPool()}). Thread-safe.
 */
final class ProductWorkers {

    /** System property: microseconds a helper spins for new work before parking; 0 parks at once. */
    static final String SPIN_PROPERTY = "trit4j.spinMicros";

    static final long DEFAULT_SPIN_MICROS = 200;

    private static volatile ProductWorkers shared;

    private final Helper[] helpers;
    private final long spinNanos;

    private ProductWorkers(int count, long spinNanos) {
        this.helpers = new Helper[count];
        this.spinNanos = spinNanos;
    }

    /**
     * The JVM-wide helpers, created on first use.
     *
     * @throws IllegalArgumentException if {@value #SPIN_PROPERTY} is set to anything but a
     *                                  number of microseconds {@code >= 0}
     */
    static ProductWorkers shared() {
        ProductWorkers p = shared;
        if (p == null) {
            synchronized (ProductWorkers.class) {
                p = shared;
                if (p == null) {
                    p = new ProductWorkers(Math.max(0, Runtime.getRuntime().availableProcessors() - 1), spinNanos());
                    shared = p;
                }
            }
        }
        return p;
    }

    /**
     * Offers {@code work} to up to {@code wanted} helpers that are free to take it; returns
     * how many accepted. Those that did will call {@code work.run()} soon.
     */
    int offer(Runnable work, int wanted) {
        int given = 0;
        for (int i = 0; i < helpers.length && given < wanted; i++) {
            Helper h = helper(i);
            if (h.task.compareAndSet(null, work)) {
                given++;
                if (h.parked) {
                    LockSupport.unpark(h.thread);
                }
            }
        }
        return given;
    }

    private Helper helper(int i) {
        Helper h = helpers[i];
        if (h == null) {
            synchronized (this) {
                h = helpers[i];
                if (h == null) {
                    h = new Helper(i, spinNanos);
                    helpers[i] = h;
                }
            }
        }
        return h;
    }

    /** The spin time from {@value #SPIN_PROPERTY}, checked. */
    static long spinNanos() {
        return 1000 * GemmEngine.countProperty(SPIN_PROPERTY, DEFAULT_SPIN_MICROS, 0, Long.MAX_VALUE / 1000,
                "a number of microseconds >= 0");
    }

    /** One helper thread and its mailbox of one task. */
    private static final class Helper implements Runnable {
        final AtomicReference<Runnable> task = new AtomicReference<>();
        final Thread thread;
        final long spinNanos;
        /** Set before the helper parks and re-checks its mailbox, so a poster knows to unpark it. */
        volatile boolean parked;

        Helper(int index, long spinNanos) {
            this.spinNanos = spinNanos;
            thread = new Thread(this, "trit4j-helper-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Runnable work = task.get();
                if (work != null) {
                    // empty the mailbox before running, not after: the caller of this product may
                    // return and offer its next product while this thread is still leaving the
                    // chunk loop, and a refused offer sends that product's share to the common
                    // pool while this thread spins idle beside it (only this thread empties the
                    // mailbox, so no offer is lost)
                    task.set(null);
                    try {
                        work.run();
                    } catch (Throwable t) {
                        // the product records its own failures; nothing may kill the helper
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < spinNanos) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (task.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}

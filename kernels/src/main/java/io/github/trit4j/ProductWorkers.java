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
 * {@link java.util.concurrent.ForkJoinPool#commonPool()}). A helper works for one product at a
 * time, so however many products run at once, at most that many threads help them. Like the
 * JDK's pools, the helpers are made by a factory of their own: they belong to a thread group
 * of their own under the root group (never the group of the caller that happened to start
 * them, so a {@code ThreadGroup.interrupt()} of a caller's group does not reach them), inherit
 * no inheritable thread-locals and have no context class loader (so they pin no application's
 * class loader). An interrupt is cleared and ignored: a helper has nothing to cancel. The
 * caller that first needs the helpers starts one thread; each new helper starts the next, so
 * the first product does not wait for all of them to start. Thread-safe.
 */
final class ProductWorkers {

    /** System property: microseconds a helper spins for new work before parking; 0 parks at once. */
    static final String SPIN_PROPERTY = "trit4j.spinMicros";

    static final long DEFAULT_SPIN_MICROS = 200;

    private static volatile ProductWorkers shared;

    /** The helpers' own group, under the root group (as the JDK's innocuous threads). */
    private static final ThreadGroup GROUP = new ThreadGroup(rootGroup(), "trit4j-helpers");

    private static ThreadGroup rootGroup() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) {
            g = g.getParent();
        }
        return g;
    }

    private final Helper[] helpers;
    private final long spinNanos;

    /** Index of the next helper whose thread is to be started. */
    private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();

    private ProductWorkers(int count, long spinNanos) {
        this.helpers = new Helper[count];
        this.spinNanos = spinNanos;
        for (int i = 0; i < count; i++) {
            helpers[i] = new Helper(this, i, spinNanos);
        }
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
            Helper h = helpers[i];
            if (h.task.compareAndSet(null, work)) {
                given++;
                if (h.parked) {
                    LockSupport.unpark(h.thread);
                }
            }
        }
        if (given > 0 && started.get() == 0) {
            startNext(); // the rest start from the helpers' own threads
        }
        return given;
    }

    /**
     * Takes {@code work} back from the mailboxes of the helpers that have not started it yet;
     * returns how many. A caller that has finished its product calls it, so that a helper slow
     * to wake (descheduled on a loaded machine) leaves no task of a finished call behind, which
     * would keep the call's state out of use. A helper takes its task with the same
     * compare-and-set, so a task is either taken back or run, never both.
     */
    int retract(Runnable work) {
        int taken = 0;
        for (Helper h : helpers) {
            if (h.task.compareAndSet(work, null)) {
                taken++;
            }
        }
        return taken;
    }

    /** Starts the next helper not yet started, if any; the first by a caller, each other by its predecessor. */
    private void startNext() {
        int i = started.getAndIncrement();
        if (i >= helpers.length) {
            return;
        }
        try {
            helpers[i].thread.start();
        } catch (Throwable noThread) {
            // no thread to be had (out of native threads, say): this helper and the ones after it
            // never start; their mailboxes are closed, so that no product counts on them and no
            // posted task (and the arrays it reaches) stays in a mailbox for ever
            for (int j = i; j < helpers.length; j++) {
                helpers[j].task.set(CLOSED);
            }
        }
    }

    /** The mailbox of a helper that will never run. */
    private static final Runnable CLOSED = () -> { };

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
        private final ProductWorkers owner;
        /** Set before the helper parks and re-checks its mailbox, so a poster knows to unpark it. */
        volatile boolean parked;

        /** The helper and its thread, not yet started: a task may be posted before it starts. */
        Helper(ProductWorkers owner, int index, long spinNanos) {
            this.owner = owner;
            this.spinNanos = spinNanos;
            thread = Thread.ofPlatform().group(GROUP).name("trit4j-helper-" + index).daemon(true)
                    .inheritInheritableThreadLocals(false).unstarted(this);
            thread.setContextClassLoader(null);
        }

        @Override
        public void run() {
            owner.startNext();
            long idleSince = System.nanoTime();
            while (true) {
                Thread.interrupted(); // an interrupt means nothing to a helper: clear it, or park returns at once
                Runnable work = task.get();
                if (work != null && !task.compareAndSet(work, null)) {
                    continue; // its caller took it back (retract) in the meantime: look again
                }
                if (work != null) {
                    // empty the mailbox before running, not after: the caller of this product may
                    // return and offer its next product while this thread is still leaving the
                    // chunk loop, and a refused offer leaves that product's share to its caller
                    // while this thread spins idle beside it (only this thread empties the
                    // mailbox but for a caller taking back its own task, so no offer is lost; the
                    // compare-and-set above emptied it)
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

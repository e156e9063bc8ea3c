package io.github.trit4j;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The chunks of one parallel call (a product, or {@link GemmEngine#runRanges}). The calling
 * thread and the helpers take chunk numbers from a shared range until none is left (the caller
 * from its front, helpers from its back); the caller then cancels what is left (nothing, unless
 * a chunk failed), waits until every chunk taken has ended, and rethrows the first failure. A
 * helper that starts after that finds no chunk and does nothing, so no chunk of a call runs
 * after the call has returned or thrown.
 *
 * <p>The wait cannot last for ever on a chunk that its thread abandoned without accounting
 * for it (an error thrown outside the chunk's own try block, such as a StackOverflowError at
 * the edge of a helper's stack): after {@link #LOST_CHECK_NANOS} of waiting, and again every
 * such period, the caller looks at the threads that joined the call; when none of them is
 * still in its chunk loop and chunks are still unaccounted for, they are lost and the call
 * throws an {@link IllegalStateException}.
 *
 * <p>Reuse, so that a call allocates nothing: a few of these are kept together in a
 * {@link WorkspacePool}'s workspace (a platform thread's own; for virtual threads, which are
 * usually made for one task, one of a few pooled ones), which a call holds from
 * {@link #acquire()} to {@link #release()}; the object itself is the helpers' task
 * ({@link #run()}). A helper
 * may get to its task late, after the call it was offered for has returned (a helper slow to
 * wake, an executor's queue); were the object reset for the caller's next call by then, that
 * straggler would join the next call behind its caller's back, in the middle of the reset. So
 * an object counts the helper tasks handed out and not yet finished ({@link #outstanding}),
 * and is reset only when that count is zero: no thread but its owner can touch it then. A
 * straggler keeps its object out of use until it has run (and found nothing to do); the owner
 * takes another object meanwhile. A task that never runs (a helper that dies with it, an
 * executor that drops it) keeps its object out of use for ever: the owner makes a new one, and
 * the old one is garbage once the task is.
 */
final class Chunks implements Runnable {

    /** How long the caller waits on a chunk before it checks whether its thread still runs it. */
    static final long LOST_CHECK_NANOS = 100_000_000L;

    /**
     * How long the caller spins before it parks: the last chunk usually ends within microseconds
     * of the caller's own, and a parked thread takes tens of microseconds to wake.
     */
    private static final long SPIN_NANOS = 50_000L;

    private static final long PARK_NANOS = 1_000_000L;

    /** Objects kept per workspace: one for the call that holds it, and spares for stragglers. */
    private static final int KEPT = 4;

    /** Sets of kept objects: a platform thread's own, or pooled (virtual threads, nested calls). */
    private static final WorkspacePool<Chunks[]> KEPT_SETS = new WorkspacePool<>(() -> new Chunks[KEPT]);

    /** One chunk of a call: chunk {@code chunk}, units {@code [from, to)}. */
    interface Work {
        void run(int chunk, int from, int to);
    }

    // the call: written by the owner before it hands the object to any helper (the mailbox or the
    // executor orders those writes before the helper's reads), and only when no helper holds it
    private int units;
    private int count;
    private Work work;
    private Thread caller;
    /** Threads that entered the chunk loop, for the lost-chunk check; grown as calls need. */
    private AtomicReferenceArray<Thread> joined = new AtomicReferenceArray<>(2);

    /** The chunks not yet taken, {@code [front, back)}, as {@code front << 32 | back}. */
    private final AtomicLong left = new AtomicLong();
    /** Chunks run (successfully or not) or cancelled. */
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger joins = new AtomicInteger();
    /** Set when a chunk did not complete normally, even if its failure could not be recorded. */
    private volatile boolean broken;
    /** Set while the caller is parked or about to park, so that the last chunk to end unparks it. */
    private volatile boolean waiting;
    /** Helper tasks handed out (to helpers or an executor) whose {@link #run()} has not finished. */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Whether a call of the owner runs on this object now (owner thread only). */
    private boolean inUse;
    /** The set this object was acquired from, held by its call until {@link #release()}; owner thread only. */
    private Chunks[] set;
    /** Calls started on this object, for tests. */
    private long calls;

    /** The {@link GemmEngine} product chunk of this object, made on its first product; owner thread only. */
    GemmEngine.ProductWork product;
    /** {@link #rangeWork}'s task during a call. */
    private RangeTask rangeTask;
    /** Runs a {@link RangeTask}: one object per Chunks, not one per call. */
    final Work rangeWork = (chunk, from, to) -> rangeTask.run(from, to);

    private Chunks() {
    }

    /**
     * An object that no call and no helper uses, marked in use; give it back with
     * {@link #release()} on the same thread. Steady state: one of the kept objects, no
     * allocation.
     */
    static Chunks acquire() {
        Chunks[] kept = KEPT_SETS.acquire();
        try {
            Chunks c = acquire(kept);
            c.set = kept;
            return c;
        } catch (Throwable t) {
            KEPT_SETS.release(kept);
            throw t;
        }
    }

    private static Chunks acquire(Chunks[] kept) {
        int spare = -1;
        for (int i = 0; i < kept.length; i++) {
            Chunks c = kept[i];
            if (c == null) {
                c = new Chunks();
                kept[i] = c;
            }
            if (!c.inUse) {
                if (c.outstanding.get() == 0) {
                    c.inUse = true;
                    return c;
                }
                spare = i; // held by a straggler: replaceable
            }
        }
        Chunks c = new Chunks();
        if (spare >= 0) {
            kept[spare] = c; // the straggler's object is garbage once its task is
        }
        c.inUse = true;
        return c;
    }

    /** {@link #acquire()} with a {@link RangeTask} call set up: {@code count} chunks over {@code units}. */
    void startRanges(int units, int count, int helpers, RangeTask task) {
        rangeTask = task;
        start(units, count, helpers, rangeWork);
    }

    /**
     * Sets up a call: {@code count} chunks, chunk {@code c} being units
     * {@code [units * c / count, units * (c + 1) / count)}.
     *
     * @param helpers how many helper tasks may join besides the caller (more may, but then a
     *                lost chunk is not detected)
     */
    void start(int units, int count, int helpers, Work work) {
        this.units = units;
        this.count = count;
        this.work = work;
        this.caller = Thread.currentThread();
        if (joined.length() < helpers + 1) {
            joined = new AtomicReferenceArray<>(helpers + 1);
        } else {
            for (int i = 0, n = Math.min(joins.get(), joined.length()); i < n; i++) {
                joined.set(i, null);
            }
        }
        joins.set(0);
        ended.set(0);
        failure.set(null);
        broken = false;
        waiting = false;
        calls++;
        left.set(count);
    }

    /** Ends the call: drops its references (no array of the call stays reachable from here) and frees the object. */
    void release() {
        work = null;
        rangeTask = null;
        caller = null;
        if (product != null) {
            product.clear();
        }
        inUse = false;
        Chunks[] kept = set;
        set = null;
        KEPT_SETS.release(kept);
    }

    /** Counts {@code tasks} helper tasks about to be handed out (negative: taken back). */
    void handingOut(int tasks) {
        outstanding.addAndGet(tasks);
    }

    /** Calls started on this object (tests: whether objects are reused). */
    long calls() {
        return calls;
    }

    /** The kept objects this thread's next call would use, for tests; entries may be null. */
    static Chunks[] keptByThisThread() {
        Chunks[] kept = KEPT_SETS.acquire();
        try {
            return kept.clone();
        } finally {
            KEPT_SETS.release(kept);
        }
    }

    /**
     * The caller takes chunks from the front and helpers from the back, so that from one
     * product to the next each thread tends to get the same columns or rows again and finds
     * their panels and outputs in its own cache (with chunks handed out in turn, a short
     * product's operands moved between the cores' caches every call).
     */
    void takeAll() {
        loop(true);
    }

    /** A helper's task: takes chunks from the back until none is left. */
    @Override
    public void run() {
        try {
            loop(false);
        } finally {
            outstanding.decrementAndGet();
        }
    }

    private void loop(boolean front) {
        int slot = joins.getAndIncrement();
        if (slot < joined.length()) {
            joined.set(slot, Thread.currentThread());
        }
        for (int c = take(front); c >= 0; c = take(front)) {
            run(c);
        }
    }

    private int take(boolean front) {
        while (true) {
            long range = left.get();
            int f = (int) (range >>> 32);
            int b = (int) range;
            if (f >= b) {
                return -1;
            }
            long next = front ? ((long) (f + 1) << 32) | b : ((long) f << 32) | (b - 1);
            if (left.compareAndSet(range, next)) {
                return front ? f : b - 1;
            }
        }
    }

    private void run(int c) {
        boolean done = false;
        try {
            work.run(c, (int) ((long) units * c / count), (int) ((long) units * (c + 1) / count));
            done = true;
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            cancel(); // the product has failed: end it soon
        } finally {
            if (!done) {
                // a plain field write, no call: it holds even when recording the failure above
                // overflowed the stack, so a failed chunk can never pass for a finished one
                broken = true;
            }
            ended(1);
        }
    }

    private void ended(int chunks) {
        if (ended.addAndGet(chunks) == count && waiting) {
            LockSupport.unpark(caller);
        }
    }

    /** Takes every chunk not yet taken, so that none of them will run. */
    void cancel() {
        while (true) {
            long range = left.get();
            int f = (int) (range >>> 32);
            int b = (int) range;
            if (f >= b) {
                return;
            }
            if (left.compareAndSet(range, ((long) b << 32) | b)) {
                ended(b - f);
                return;
            }
        }
    }

    /**
     * Waits until every chunk has ended (run or cancelled); call after {@link #cancel()}. The
     * wait is for chunks other threads are running now, never for work still queued: the
     * caller took every chunk no helper had. An interrupt does not end it (the call may not
     * return while a chunk still writes its output) but is kept: the thread's interrupt status
     * is set again on return, and meanwhile it does not turn the parks into a busy loop.
     *
     * @throws IllegalStateException if chunks were lost (see the class comment)
     */
    void awaitTaken() {
        if (ended.get() >= count) {
            return;
        }
        boolean interrupted = false;
        try {
            long start = System.nanoTime();
            long nextCheck = start + LOST_CHECK_NANOS;
            while (ended.get() < count) {
                long now = System.nanoTime();
                if (now - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                waiting = true;
                if (ended.get() >= count) {
                    break;
                }
                interrupted |= Thread.interrupted(); // or parkNanos returns at once
                LockSupport.parkNanos(this, PARK_NANOS);
                if (System.nanoTime() - nextCheck >= 0) {
                    if (lost()) {
                        int missing = count - ended.get();
                        IllegalStateException e = new IllegalStateException(missing + " of " + count + " chunks of "
                                + "a parallel call were lost: the threads that took them left without finishing "
                                + "them (an error outside the chunk, such as a stack overflow in a helper); the "
                                + "output may be partly written");
                        Throwable first = failure.get();
                        if (first != null) {
                            e.addSuppressed(first);
                        }
                        throw e;
                    }
                    nextCheck = System.nanoTime() + LOST_CHECK_NANOS;
                }
            }
            waiting = false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether chunks are unaccounted for while no thread that joined is still in the chunk loop. */
    private boolean lost() {
        int n = joins.get();
        if (n > joined.length()) {
            return false; // an untracked thread joined: it may still be working
        }
        Thread self = Thread.currentThread();
        for (int i = 0; i < n; i++) {
            Thread t = joined.get(i);
            if (t == null) {
                return false; // joining right now
            }
            if (t != self && t.isAlive() && inChunkLoop(t)) {
                return false;
            }
        }
        // every thread has left its loop, and a thread accounts for its chunks before it leaves
        return ended.get() < count;
    }

    private static boolean inChunkLoop(Thread t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals(Chunks.class.getName()) && frame.getMethodName().equals("loop")) {
                return true;
            }
        }
        return false;
    }

    /** Rethrows the first failure of a chunk, if any. */
    void rethrow() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        if (broken) {
            throw new IllegalStateException("a chunk of a parallel call failed with an error that could not be "
                    + "recorded (such as a stack overflow in a helper); the output may be partly written");
        }
    }
}

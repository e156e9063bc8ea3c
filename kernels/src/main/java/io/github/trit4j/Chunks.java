package io.github.trit4j;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The chunks of one parallel product. The calling thread and the helpers take chunk numbers
 * from a shared range until none is left (the caller from its front, helpers from its back);
 * the caller then cancels what is left (nothing, unless a chunk failed), waits until every
 * chunk taken has ended, and rethrows the first failure. A helper that starts after that finds
 * no chunk and does nothing, so no chunk of a product runs after its call has returned or
 * thrown.
 *
 * <p>The wait cannot last for ever on a chunk that its thread abandoned without accounting
 * for it (an error thrown outside the chunk's own try block, such as a StackOverflowError at
 * the edge of a helper's stack): after {@link #LOST_CHECK_NANOS} of waiting, and again every
 * such period, the caller looks at the threads that joined the product; when none of them is
 * still in its chunk loop and chunks are still unaccounted for, they are lost and the call
 * throws an {@link IllegalStateException}.
 */
final class Chunks {

    /** How long the caller waits on a chunk before it checks whether its thread still runs it. */
    static final long LOST_CHECK_NANOS = 100_000_000L;

    /**
     * How long the caller spins before it parks: the last chunk usually ends within microseconds
     * of the caller's own, and a parked thread takes tens of microseconds to wake.
     */
    private static final long SPIN_NANOS = 50_000L;

    private static final long PARK_NANOS = 1_000_000L;

    private final int count;
    private final IntConsumer body;
    /** The chunks not yet taken, {@code [front, back)}, as {@code front << 32 | back}. */
    private final AtomicLong left;
    /** Chunks run (successfully or not) or cancelled. */
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread caller;
    /** Threads that entered the chunk loop, for the lost-chunk check. */
    private final AtomicReferenceArray<Thread> joined;
    private final AtomicInteger joins = new AtomicInteger();
    /** Set when a chunk did not complete normally, even if its failure could not be recorded. */
    private volatile boolean broken;
    /** Set while the caller is parked or about to park, so that the last chunk to end unparks it. */
    private volatile boolean waiting;

    /**
     * @param count   number of chunks
     * @param helpers how many helper tasks may join besides the caller (more may, but then a
     *                lost chunk is not detected)
     * @param body    runs one chunk
     */
    Chunks(int count, int helpers, IntConsumer body) {
        this.count = count;
        this.body = body;
        this.left = new AtomicLong(count);
        this.caller = Thread.currentThread();
        this.joined = new AtomicReferenceArray<>(helpers + 1);
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
    void help() {
        loop(false);
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
            body.accept(c);
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
     * Waits until every chunk has ended (run or cancelled); call after {@link #cancel()}.
     *
     * @throws IllegalStateException if chunks were lost (see the class comment)
     */
    void awaitTaken() {
        if (ended.get() >= count) {
            return;
        }
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
            LockSupport.parkNanos(this, PARK_NANOS);
            if (System.nanoTime() - nextCheck >= 0) {
                if (lost()) {
                    int missing = count - ended.get();
                    IllegalStateException e = new IllegalStateException(missing + " of " + count + " chunks of a "
                            + "parallel product were lost: the threads that took them left without finishing them "
                            + "(an error outside the chunk, such as a stack overflow in a helper); the output "
                            + "array may be partly written");
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
            throw new IllegalStateException("a chunk of a parallel product failed with an error that could not be "
                    + "recorded (such as a stack overflow in a helper); the output array may be partly written");
        }
    }
}

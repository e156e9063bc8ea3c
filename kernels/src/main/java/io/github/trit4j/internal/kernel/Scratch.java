package io.github.trit4j.internal.kernel;

import io.github.trit4j.WorkspacePool;

/**
 * Scratch arrays into which micro-kernels spill raw sums (and byte-lane counts) for their
 * epilogues, and the operands the panel kernels prepare (FATNN's panel codes, broadcast weight
 * rows), so that a steady-state product allocates nothing but its result. A kernel call takes
 * one with {@link #acquire()} and gives it back with {@link #release()} before it returns; no two
 * calls in progress share one. They come from a {@link WorkspacePool}: a platform thread's own,
 * or for virtual threads one of a few pooled ones, so a thread made for one task does not make
 * (and grow) a set of its own.
 */
final class Scratch {

    private static final WorkspacePool<Scratch> POOL = new WorkspacePool<>(Scratch::new);

    /** Room for 8 output vectors of 8 long lanes, the largest micro-tile. */
    final long[] longs = new long[64];
    /** Room for an edge micro-tile's finished outputs (4 rows x 2 panels of 8 int lanes), copied out by the driver. */
    final int[] ints = new int[64];
    /** Room for 4 spilled byte vectors of up to 64 lanes. */
    final byte[] bytes = new byte[256];
    /** Prepared panel codes of the FATNN panel kernel, grown on demand and then reused. */
    long[] codes = new long[0];
    /** Prepared broadcast weight rows of the carry-save panel kernels, grown on demand and then reused. */
    long[] weights = new long[0];

    private Scratch() {
    }

    /** Scratch for this kernel call, used by no other call until {@link #release()}. */
    static Scratch acquire() {
        return POOL.acquire();
    }

    /** Ends this call's use; the caller must not touch the arrays afterwards. */
    void release() {
        POOL.release(this);
    }
}

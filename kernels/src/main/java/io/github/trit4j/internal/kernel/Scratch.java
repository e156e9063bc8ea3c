package io.github.trit4j.internal.kernel;

/**
 * Per-thread scratch arrays into which micro-kernels spill raw sums (and byte-lane
 * counts) for their epilogues, so that a steady-state product allocates nothing but its
 * result. Each kernel call takes the current thread's instance and uses it only until it
 * returns; kernels never call each other, so no two users share one at a time.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    /** Room for 8 output vectors of 8 long lanes, the largest micro-tile. */
    final long[] longs = new long[64];
    /** Room for an edge micro-tile's finished outputs (4 rows x 2 panels of 8 int lanes), copied out by the driver. */
    final int[] ints = new int[64];
    /** Room for 4 spilled byte vectors of up to 64 lanes. */
    final byte[] bytes = new byte[256];

    private Scratch() {
    }

    static Scratch get() {
        return LOCAL.get();
    }
}

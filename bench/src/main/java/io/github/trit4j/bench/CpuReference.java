package io.github.trit4j.bench;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Two fixed loops that measure the core a thread runs on, not trit4j's code: an XOR-AND-popcount loop on 4 KB (L1
 * resident, so the vector units alone) and a popcount pass over 512 KB (L2 resident: the bandwidth a product's panels
 * stream at). Each is one small method that C2 compiles the same way in every JVM, whatever trit4j's kernels do, so a
 * JVM in which a trit4j workload runs slower <em>and</em> these loops run slower sat on a slower core (another
 * tenant on the same physical core, a lower clock), while one in which only the workload is slower points at the
 * workload's own compiled code or data. {@code steady-modes} interleaves them with the workload to tell the two
 * apart. Figures are per nanosecond of the calling thread's CPU time. Not thread-safe (shared arrays); one measuring
 * thread per JVM.
 */
public final class CpuReference {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final long[] L1_DATA = filled(512);
    private static final long[] L2_DATA = filled(64 * 1024);
    /**
     * Passes between two reads of the clock, which is a system call (about a microsecond, more in a VM): 2048 passes over
     * 4 KB and 8 over 512 KB take tens to a hundred microseconds.
     */
    private static final int L1_PASSES = 2048;
    private static final int L2_PASSES = 8;
    /** Keeps the loops' results alive. */
    private static long sink;

    private CpuReference() {
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i + 1) * 0x9E3779B97F4A7C15L;
        }
        return a;
    }

    /**
     * The L1 loop for about {@code nanos} of this thread's CPU time: 64-bit words combined and popcounted per
     * nanosecond of CPU time (so time the thread spent descheduled does not count; a core shared with another
     * hardware thread still does).
     */
    public static double l1WordsPerNs(long nanos) {
        long words = 0;
        long start = cpuNanos();
        long now;
        do {
            for (int pass = 0; pass < L1_PASSES; pass++) {
                sink += l1Pass();
            }
            words += (long) L1_PASSES * L1_DATA.length;
            now = cpuNanos();
        } while (now - start < nanos);
        return words / (double) (now - start);
    }

    /** The L2 loop for about {@code nanos} of this thread's CPU time: 64-bit words read and popcounted per nanosecond. */
    public static double l2WordsPerNs(long nanos) {
        long words = 0;
        long start = cpuNanos();
        long now;
        do {
            for (int pass = 0; pass < L2_PASSES; pass++) {
                sink += l2Pass();
            }
            words += (long) L2_PASSES * L2_DATA.length;
            now = cpuNanos();
        } while (now - start < nanos);
        return words / (double) (now - start);
    }

    /** This thread's CPU time in nanoseconds (the clock of every figure here). */
    public static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * One pass over the 4 KB, so that the pass is called thousands of times and C2 compiles it as a method (a long
     * loop entered once would run in an on-stack-replacement compile, whose speed differs between JVMs).
     */
    private static long l1Pass() {
        long[] d = L1_DATA;
        int step = L.length();
        LongVector c0 = LongVector.zero(L);
        LongVector c1 = c0;
        LongVector c2 = c0;
        LongVector c3 = c0;
        for (int i = 0; i + 4 * step <= d.length; i += 4 * step) {
            LongVector a = LongVector.fromArray(L, d, i);
            LongVector b = LongVector.fromArray(L, d, i + step);
            LongVector c = LongVector.fromArray(L, d, i + 2 * step);
            LongVector e = LongVector.fromArray(L, d, i + 3 * step);
            c0 = c0.add(a.lanewise(VectorOperators.XOR, b).and(c).lanewise(VectorOperators.BIT_COUNT));
            c1 = c1.add(b.lanewise(VectorOperators.XOR, c).and(e).lanewise(VectorOperators.BIT_COUNT));
            c2 = c2.add(c.lanewise(VectorOperators.XOR, e).and(a).lanewise(VectorOperators.BIT_COUNT));
            c3 = c3.add(e.lanewise(VectorOperators.XOR, a).and(b).lanewise(VectorOperators.BIT_COUNT));
        }
        return c0.add(c1).add(c2).add(c3).reduceLanes(VectorOperators.ADD);
    }

    private static long l2Pass() {
        long[] d = L2_DATA;
        int step = L.length();
        LongVector c0 = LongVector.zero(L);
        LongVector c1 = c0;
        for (int i = 0; i + 2 * step <= d.length; i += 2 * step) {
            c0 = c0.add(LongVector.fromArray(L, d, i).lanewise(VectorOperators.BIT_COUNT));
            c1 = c1.add(LongVector.fromArray(L, d, i + step).lanewise(VectorOperators.BIT_COUNT));
        }
        return c0.add(c1).reduceLanes(VectorOperators.ADD);
    }
}

package io.github.trit4j.nn.gemm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs a task over disjoint ranges of units (row blocks) on several threads, as trit4j's
 * engine does: the calling thread takes the first range and {@link ForkJoinPool#commonPool()}
 * the others; the call returns when all are done. The float GEMMs of this package use it, and
 * so do the benchmarks' Vector API baselines, so that their threading costs the same.
 *
 * <p>Stateless and thread-safe. One thread ({@code threads == 1}, or a single unit) runs the
 * task on the caller with no allocation.
 */
public final class RowSplit {

    /** The work on units {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        /** Does units {@code [from, to)}. */
        void run(int from, int to);
    }

    private RowSplit() {
    }

    /** Splits {@code units} into at most {@code threads} near-equal contiguous ranges and runs them. */
    public static void run(int units, int threads, Range range) {
        int parts = Math.max(1, Math.min(threads, units));
        if (parts == 1) {
            range.run(0, units);
            return;
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] others = new CompletableFuture[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) units * p / parts);
            int to = (int) ((long) units * (p + 1) / parts);
            others[p - 1] = CompletableFuture.runAsync(() -> range.run(from, to), ForkJoinPool.commonPool());
        }
        range.run(0, units / parts);
        for (CompletableFuture<Void> f : others) {
            f.join();
        }
    }
}

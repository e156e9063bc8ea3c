package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;
import io.github.trit4j.WarmUp;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The loop behind every public warm-up: runs one small product in rounds of at least
 * {@value #ROUND_MILLIS} ms and stops when the JIT has taken over, that is when the caller's
 * minimum of calls has run (several times what C2's invocation and back-edge thresholds ask of
 * the kernels the call runs, so that their compilation has been requested) and the median of
 * the last {@value #WINDOW} rounds, per call, is either at least {@value #SPEEDUP}x faster than
 * the slowest round after the first (a cold kernel: interpreted code first, then C1's, which
 * calls the Vector API's Java fallbacks, then C2's, several hundred times faster than either)
 * or not {@value #NEVER_SLOW}x faster than it (a kernel compiled before the warm-up, e.g. by an
 * earlier one), or at least {@value #TOOK_OVER}x faster than it with the last {@value #WINDOW}
 * rounds within {@value #AGREE_PERCENT}% of each other (a big product, such as a 512-channel
 * convolution, whose first call runs long enough in the interpreter for on-stack replacement to
 * take over within it, so that no later round is slow enough for the hundredfold test). The
 * first round is left out: it includes class initialisation. A median rather than agreement
 * alone, because on a loaded machine rounds of a few milliseconds rarely agree. The budget bounds it; an interrupt ends it at the next round, with the
 * thread's interrupt status kept.
 */
public final class WarmUpLoop {

    /** Shortest round: long enough that a round's time per call is not timer noise. */
    static final int ROUND_MILLIS = 4;
    /** The rounds whose median is compared. */
    static final int WINDOW = 5;
    /** How much faster than the slowest round a cold kernel must have become (C1's code is 20-200x slower than C2's). */
    static final int SPEEDUP = 100;
    /** Slowest round / now below which the kernel counts as having been compiled from the start. */
    static final double NEVER_SLOW = 2.0;
    /** How much faster than the slowest round the rounds must be when they agree (C2's code, not C1's). */
    static final int TOOK_OVER = 10;
    /** How far apart, in percent of the fastest, the last rounds may be to agree. */
    static final int AGREE_PERCENT = 10;

    private WarmUpLoop() {
    }

    /**
     * Runs {@code call} until it settles (see the class comment) or {@code budget} is spent.
     *
     * @param call         one product on the warm-up's own operands
     * @param minCalls     calls to run at least, budget permitting
     * @param budget       the longest the loop may run (it returns after the round in progress)
     * @return what it did
     * @throws IllegalArgumentException if {@code budget} is negative or zero
     */
    public static WarmUp run(Runnable call, long minCalls, Duration budget) {
        Objects.requireNonNull(call, "call");
        checkBudget(budget);
        long start = System.nanoTime();
        long budgetNanos = saturatedNanos(budget);
        long calls = 0;
        double slowest = 0;
        double[] recent = new double[WINDOW];
        int rounds = 0;
        boolean settled = false;
        long now = start;
        while (!settled && now - start < budgetNanos && !Thread.currentThread().isInterrupted()) {
            long t0 = now;
            int n = 0;
            do {
                call.run();
                n++;
                now = System.nanoTime();
            } while (now - t0 < ROUND_MILLIS * 1_000_000L && now - start < budgetNanos);
            calls += n;
            double perCall = (now - t0) / (double) n;
            if (rounds > 0) {
                slowest = Math.max(slowest, perCall);
            }
            recent[rounds++ % WINDOW] = perCall;
            if (TRACE) {
                System.err.printf("warm-up round %d at %.1f ms: %d calls, %.1f us/call (slowest %.1f)%n", rounds,
                        (now - start) / 1e6, n, perCall / 1e3, slowest / 1e3);
            }
            if (rounds > WINDOW && calls >= minCalls) {
                double[] sorted = recent.clone();
                Arrays.sort(sorted);
                double median = sorted[WINDOW / 2];
                boolean agree = sorted[WINDOW - 1] <= (1 + AGREE_PERCENT / 100.0) * sorted[0];
                settled = slowest >= SPEEDUP * median || slowest <= NEVER_SLOW * median
                        || (agree && slowest >= TOOK_OVER * median);
            }
        }
        return new WarmUp(calls, Duration.ofNanos(System.nanoTime() - start), settled);
    }

    /**
     * Checks a warm-up's budget (the public warm-ups call it before they allocate their operands).
     *
     * @throws NullPointerException     if {@code budget} is null
     * @throws IllegalArgumentException if it is negative or zero
     */
    public static void checkBudget(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive, got " + budget);
        }
    }

    /** The random source of every warm-up's operands, seeded the same every time. */
    public static SplittableRandom random() {
        return new SplittableRandom(SEED);
    }

    /** {@code count} random values of {@code p} for a warm-up's operand. */
    public static byte[] values(SplittableRandom random, Precision p, int count) {
        byte[] v = new byte[count];
        for (int i = 0; i < count; i++) {
            v[i] = (byte) (p == Precision.BINARY ? (random.nextBoolean() ? 1 : -1) : random.nextInt(p.min(), p.max() + 1));
        }
        return v;
    }

    private static final long SEED = 0x7e11_7e11L;

    private static final boolean TRACE = Boolean.getBoolean("trit4j.warmUpTrace");

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}

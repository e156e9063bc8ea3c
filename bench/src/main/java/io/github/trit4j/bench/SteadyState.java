package io.github.trit4j.bench;

import org.openjdk.jmh.util.ListStatistics;

import java.util.Arrays;

/**
 * When a measurement's JMH iterations have settled, and its figure from the settled ones. JMH runs a fixed number of
 * iterations; the study runs them all as measurement iterations (no fixed warm-up) and finds, afterwards, the first
 * {@value #WINDOW} consecutive iterations that agree within {@value #TOLERANCE_PERCENT}% (largest / smallest time). The
 * iterations before them are the warm-up this measurement needed; the figure is the mean of that window and every
 * iteration after it (a later change of speed stays in the figure and in its error), with JMH's 99.9% error. A
 * measurement with no such window never settled: its figure is the mean of its last {@value #WINDOW} iterations, and
 * it is marked, not hidden.
 *
 * @param warmupIterations   iterations before the settled window (all but the last {@value #WINDOW} if never settled)
 * @param measuredIterations iterations the figure is the mean of
 * @param settled            whether a settled window was found
 * @param micros             mean time per operation of the measured iterations, microseconds
 * @param microsError        JMH's 99.9% confidence half-width of it (NaN with one iteration)
 */
public record SteadyState(int warmupIterations, int measuredIterations, boolean settled, double micros,
                          double microsError) {

    /** Consecutive iterations that must agree. */
    public static final int WINDOW = 3;
    /** How far they may disagree, in percent of the smallest. */
    public static final int TOLERANCE_PERCENT = 5;

    /** Finds the settled window in per-iteration times (us/op, in run order). */
    public static SteadyState of(double[] iterations) {
        if (iterations.length == 0) {
            throw new IllegalArgumentException("no iterations");
        }
        int n = iterations.length;
        int start = -1;
        for (int i = 0; i + WINDOW <= n && start < 0; i++) {
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int j = i; j < i + WINDOW; j++) {
                min = Math.min(min, iterations[j]);
                max = Math.max(max, iterations[j]);
            }
            if (max <= min * (1 + TOLERANCE_PERCENT / 100.0)) {
                start = i;
            }
        }
        boolean settled = start >= 0;
        int from = settled ? start : Math.max(0, n - WINDOW);
        double[] measured = Arrays.copyOfRange(iterations, from, n);
        ListStatistics stats = new ListStatistics(measured);
        double error = measured.length > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
        return new SteadyState(from, measured.length, settled, stats.getMean(), error);
    }

    /** {@code "steady after 2 of 12 iterations"} or {@code "NOT SETTLED in 12 iterations"}. */
    public String describe() {
        int total = warmupIterations + measuredIterations;
        return settled ? "steady after " + warmupIterations + " of " + total + " iterations"
                : "NOT SETTLED in " + total + " iterations";
    }
}

package io.github.trit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Time to peak: how long a fresh JVM takes, from the first call of a product, to run it at 90% of its steady
 * throughput (what a service's first requests pay for the JIT). Not a JMH benchmark: JMH measures steady state, and
 * its pauses between single-shot iterations would give the JIT's background compilation free time; this is one plain
 * loop, started as the first thing the JVM runs, in a JVM of its own per workload (the driver starts them).
 *
 * <p>The product is prepared (operands packed: a service loads its weights before its first request), then called
 * back to back for {@code --seconds}; each call's end time is recorded. The steady throughput is that of the last
 * {@value #STEADY_PERCENT}% of the run (calls / time); the time to peak is the end of the first call after which the
 * calls of the next {@value #WINDOW_MILLIS} ms (at least {@value #WINDOW_CALLS} calls) run at 90% of it or more. One JSON object per
 * workload on stdout ({@link Result}); with several workloads (the AOT training run) they run one after another in
 * this JVM, and only the first one's time to peak is that of a fresh JVM.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp trit4j-tools.jar io.github.trit4j.bench.TimeToPeak --workloads C3 --seconds 12
 * </pre>
 */
@Command(name = "time-to-peak", mixinStandardHelpOptions = true,
        description = "Times a fresh JVM's first calls of a study workload until they reach 90% of steady throughput.")
public final class TimeToPeak implements Callable<Integer> {

    /** The sliding window that must run at 90% of steady throughput, in milliseconds. */
    public static final int WINDOW_MILLIS = 50;
    /** ... and in calls, at least. */
    public static final int WINDOW_CALLS = 5;

    /**
     * One workload's figures.
     *
     * @param workload       the study workload
     * @param precision      the study precision
     * @param threads        threads per product
     * @param prepareMillis  preparing the product (packing operands), before the first call
     * @param firstCallMillis the first call alone
     * @param timeToPeakMillis from the first call's start to the end of the call where 90% of steady was reached and
     *                       held for the window; NaN if never reached
     * @param steadyGmacs    steady throughput (calls / time over the last {@value #STEADY_PERCENT}% of the run)
     * @param calls          calls made
     * @param series         GMAC/s per 500 ms of the run (calls ending in each half second), to see a change of speed
     * @param reference      with {@code --reference}: the workload and {@link CpuReference}'s loops interleaved after
     *                       the run; null otherwise
     */
    public record Result(String workload, String precision, int threads, double prepareMillis, double firstCallMillis,
                         double timeToPeakMillis, double steadyGmacs, int calls, double[] series, Reference reference) {

        Result withReference(Reference r) {
            return new Result(workload, precision, threads, prepareMillis, firstCallMillis, timeToPeakMillis,
                    steadyGmacs, calls, series, r);
        }
    }

    /**
     * The workload and the core's reference loops, measured in turns after the run ({@value #REFERENCE_ROUNDS} rounds
     * of {@value #REFERENCE_WORKLOAD_MILLIS} ms of the workload, then {@value #REFERENCE_LOOP_MILLIS} ms of each
     * loop), so that all three see the same core at the same time; all per second of the thread's CPU time (what
     * other processes take of the CPU does not count; a core shared with another hardware thread does).
     *
     * @param gmacs        the workload's throughput in these rounds, per CPU second
     * @param l1WordsPerNs {@link CpuReference#l1WordsPerNs}, median over the rounds
     * @param l2WordsPerNs {@link CpuReference#l2WordsPerNs}, median over the rounds
     */
    public record Reference(double gmacs, double l1WordsPerNs, double l2WordsPerNs) {
    }

    static final int REFERENCE_ROUNDS = 10;
    static final int REFERENCE_WORKLOAD_MILLIS = 50;
    static final int REFERENCE_LOOP_MILLIS = 5;

    @Option(names = "--workloads", split = ",", defaultValue = "S1", description = "Study workloads (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--precision", defaultValue = "TERNARY_FATNN", description = "Study precision (default: ${DEFAULT-VALUE}).")
    StudyPrecision precision;

    @Option(names = "--threads", defaultValue = "1", description = "Threads per product (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--isa", defaultValue = "AUTO", description = "Kernel shape: AUTO or an Isa name (default: ${DEFAULT-VALUE}).")
    String isa;

    @Option(names = "--seconds", defaultValue = "3", description = "Length of the loop per workload (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--reference", description = "After each run, measure the workload and fixed reference loops in "
            + "turns (CpuReference), to tell a slower core from slower code.")
    boolean reference;

    /** Created by picocli. */
    public TimeToPeak() {
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || seconds > 600) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--seconds must be in (0, 600], got " + seconds);
        }
        ObjectMapper json = new ObjectMapper();
        for (String name : workloads) {
            System.out.println(json.writeValueAsString(measure(StudyWorkload.parse(name), precision, isa, threads,
                    (long) (seconds * 1e9), reference)));
            System.out.flush();
        }
        return 0;
    }

    /**
     * Prepares the product, then calls it for {@code nanos} (longer, up to three times, while the last
     * {@value #STEADY_PERCENT}% of the run holds fewer than {@value #STEADY_CALLS} calls); the figures of {@link Result},
     * with a {@link Reference} measured after the run if {@code reference}.
     */
    public static Result measure(StudyWorkload w, StudyPrecision precision, String isa, int threads, long nanos,
                                 boolean reference) {
        long prepStart = System.nanoTime();
        try (StudyProduct product = StudyProducts.create(w, precision, isa, threads)) {
            long start = System.nanoTime();
            long[] ends = new long[1 << 12];
            int calls = 0;
            long now = start;
            while (true) {
                product.run();
                now = System.nanoTime();
                if (calls == ends.length) {
                    ends = Arrays.copyOf(ends, calls * 2);
                }
                ends[calls++] = now;
                long elapsed = now - start;
                if (elapsed >= nanos && (elapsed >= 3 * nanos
                        || callsAfter(ends, calls, start + elapsed * (100 - STEADY_PERCENT) / 100) >= STEADY_CALLS)) {
                    break;
                }
            }
            Result r = analyse(w, precision.name(), threads, (start - prepStart) / 1e6, start, Arrays.copyOf(ends, calls));
            return reference ? r.withReference(reference(product, w)) : r;
        }
    }

    /**
     * Runs a reference loop in chunks of 100 ms until two in a row agree within 5% at 10 times the first chunk's rate
     * or more (the first runs in the interpreter, where each vector operation is an object), at most 80 chunks.
     */
    private static void warm(java.util.function.LongToDoubleFunction loop) {
        double first = loop.applyAsDouble(100_000_000L);
        double previous = first;
        for (int chunk = 1; chunk < 80; chunk++) {
            double rate = loop.applyAsDouble(100_000_000L);
            if (rate >= 10 * first && Math.abs(rate - previous) <= 0.05 * Math.max(rate, previous)) {
                return;
            }
            previous = rate;
        }
    }

    /** The workload and the reference loops in turns; see {@link Reference}. */
    private static Reference reference(StudyProduct product, StudyWorkload w) {
        long workloadNanos = 0;
        long workloadCalls = 0;
        double[] l1 = new double[REFERENCE_ROUNDS];
        double[] l2 = new double[REFERENCE_ROUNDS];
        // the loops' own warm-up (interpreter, C1, then C2), so that the rounds time compiled code
        warm(CpuReference::l1WordsPerNs);
        warm(CpuReference::l2WordsPerNs);
        for (int round = 0; round < REFERENCE_ROUNDS; round++) {
            long start = CpuReference.cpuNanos();
            long now;
            do {
                product.run();
                workloadCalls++;
                now = CpuReference.cpuNanos();
            } while (now - start < REFERENCE_WORKLOAD_MILLIS * 1_000_000L);
            workloadNanos += now - start;
            l1[round] = CpuReference.l1WordsPerNs(REFERENCE_LOOP_MILLIS * 1_000_000L);
            l2[round] = CpuReference.l2WordsPerNs(REFERENCE_LOOP_MILLIS * 1_000_000L);
        }
        Arrays.sort(l1);
        Arrays.sort(l2);
        return new Reference(workloadCalls * (double) w.macs() / workloadNanos, l1[REFERENCE_ROUNDS / 2],
                l2[REFERENCE_ROUNDS / 2]);
    }

    /** The last part of the run, in percent of its length, whose throughput is the steady one. */
    public static final int STEADY_PERCENT = 40;
    /** Calls that part must hold. */
    public static final int STEADY_CALLS = 20;

    private static int callsAfter(long[] ends, int calls, long t) {
        int n = 0;
        for (int i = calls - 1; i >= 0 && ends[i] > t; i--) {
            n++;
        }
        return n;
    }

    /**
     * The figures from the calls' end times ({@code start}: the first call's start; all from System.nanoTime).
     * Throughputs are calls per time (what a caller sees), never a median that would hide slow calls.
     */
    static Result analyse(StudyWorkload w, String precision, int threads, double prepareMillis, long start, long[] ends) {
        int calls = ends.length;
        long last = ends[calls - 1];
        long steadyFrom = start + (last - start) * (100 - STEADY_PERCENT) / 100;
        int first = calls - callsAfter(ends, calls, steadyFrom); // first call ending in the steady part
        // the steady part's calls over their time, from the end of the call before the first of them
        long from = first == 0 ? start : ends[first - 1];
        double steadyRate = (calls - first) / (double) (last - from); // calls per ns
        double peak = Double.NaN;
        for (int i = 0; i < calls && Double.isNaN(peak); i++) {
            // the calls after i, over at least WINDOW_MILLIS and WINDOW_CALLS
            long windowEnd = ends[i] + WINDOW_MILLIS * 1_000_000L;
            int j = i + 1;
            while (j < calls && (ends[j] <= windowEnd || j - i <= WINDOW_CALLS)) {
                j++;
            }
            if (j - i - 1 < WINDOW_CALLS) {
                break; // the run ended before a full window
            }
            double rate = (j - 1 - i) / (double) (ends[j - 1] - ends[i]);
            if (rate >= 0.9 * steadyRate) {
                peak = (ends[i] - start) / 1e6;
            }
        }
        List<Double> series = new ArrayList<>();
        long half = 500_000_000L;
        int c = 0;
        for (long t = start + half; c < calls; t += half) {
            int n = 0;
            while (c < calls && ends[c] <= t) {
                c++;
                n++;
            }
            series.add(n * (double) w.macs() / (half / 1e9) / 1e9);
        }
        return new Result(w.name(), precision, threads, prepareMillis, (ends[0] - start) / 1e6, peak,
                w.macs() * steadyRate, calls, series.stream().mapToDouble(Double::doubleValue).toArray(), null);
    }

    /** Runs the loops; options as {@code --help} lists them. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TimeToPeak()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}

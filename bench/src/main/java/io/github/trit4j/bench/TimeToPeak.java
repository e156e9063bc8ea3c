package io.github.trit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.github.trit4j.WarmUp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Time to peak: how long a fresh JVM takes, from the first call of a product, to run it at 90% of its steady
 * throughput (what a service's first requests pay for the JIT). Not a JMH benchmark: JMH measures steady state, and
 * its pauses between single-shot iterations would give the JIT's background compilation free time; this is one plain
 * loop, started as the first thing the JVM runs, in a JVM of its own per workload (the driver starts them).
 *
 * <p>The product is prepared (operands packed: a service loads its weights before its first request); with
 * {@code --warm-up} the library's warm-up of its kernels runs next ({@link StudyProduct#warmUp}, what a service calls
 * at start-up), timed on its own; then the product is called back to back and each call's end time recorded. The run
 * lasts at least {@code --seconds} and then ends on a steady state: the calls are cut into segments of at least
 * {@value #SEGMENT_MILLIS} ms, and the run ends when the last {@value SteadyState#WINDOW} segments agree within
 * {@value SteadyState#TOLERANCE_PERCENT}% in time per call ({@link SteadyState}), or at {@code --max-seconds}, marked
 * not settled. The steady throughput is that of those last segments (calls / time); the time to peak is the end of
 * the first call after which the calls of the next {@value #WINDOW_MILLIS} ms (at least {@value #WINDOW_CALLS} calls)
 * run at 90% of it or more. One JSON object per workload on stdout ({@link Result}); with several workloads (the AOT
 * training run) they run one after another in this JVM, and only the first one's time to peak is that of a fresh JVM.
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
    /** The shortest segment of calls whose time per call the steady-state test compares. */
    public static final int SEGMENT_MILLIS = 250;

    /**
     * One workload's figures.
     *
     * @param workload       the study workload
     * @param precision      the study precision
     * @param threads        threads per product
     * @param prepareMillis  preparing the product (packing operands), before the warm-up and the first call
     * @param warmUpMillis   the library's warm-up ({@code --warm-up}), between preparing and the first call; NaN
     *                       without one
     * @param warmUpSettled  whether that warm-up ended settled ({@link io.github.trit4j.WarmUp#settled()}); false
     *                       without one
     * @param firstCallMillis the first call alone
     * @param timeToPeakMillis from the first call's start to the end of the call where 90% of steady was reached and
     *                       held for the window; NaN if never reached
     * @param steadyGmacs    steady throughput (calls / time over the last {@value SteadyState#WINDOW} segments)
     * @param settled        whether those segments agreed (the run ended on a steady state, not on its cap)
     * @param calls          calls made
     * @param series         GMAC/s per 500 ms of the run (calls ending in each half second), to see a change of speed
     * @param reference      with {@code --reference}: the workload and {@link CpuReference}'s loops interleaved after
     *                       the run; null otherwise
     */
    public record Result(String workload, String precision, int threads, double prepareMillis, double warmUpMillis,
                         boolean warmUpSettled, double firstCallMillis, double timeToPeakMillis, double steadyGmacs,
                         boolean settled, int calls, double[] series, Reference reference) {

        Result withReference(Reference r) {
            return new Result(workload, precision, threads, prepareMillis, warmUpMillis, warmUpSettled, firstCallMillis,
                    timeToPeakMillis, steadyGmacs, settled, calls, series, r);
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

    @Option(names = "--seconds", defaultValue = "3", description = "Shortest length of the loop per workload (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--reference", description = "After each run, measure the workload and fixed reference loops in "
            + "turns (CpuReference), to tell a slower core from slower code.")
    boolean reference;

    @Option(names = "--max-seconds", defaultValue = "20",
            description = "Longest loop per workload when it does not settle (default: ${DEFAULT-VALUE}).")
    double maxSeconds;

    @Option(names = "--warm-up", description = "Run the library's warm-up of the product's kernels before the first call.")
    boolean warmUp;

    @Option(names = "--warm-up-budget-ms", defaultValue = "3000",
            description = "The warm-up's time budget (default: ${DEFAULT-VALUE}).")
    long warmUpBudgetMillis;

    /** Created by picocli. */
    public TimeToPeak() {
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || seconds > 600 || !(maxSeconds >= seconds) || maxSeconds > 600 || warmUpBudgetMillis < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--seconds must be in (0, 600], "
                    + "--max-seconds in [--seconds, 600], --warm-up-budget-ms >= 1; got " + seconds + ", " + maxSeconds
                    + ", " + warmUpBudgetMillis);
        }
        ObjectMapper json = new ObjectMapper();
        for (String name : workloads) {
            System.out.println(json.writeValueAsString(measure(StudyWorkload.parse(name), precision, isa, threads,
                    (long) (seconds * 1e9), (long) (maxSeconds * 1e9),
                    warmUp ? Duration.ofMillis(warmUpBudgetMillis) : null, reference)));
            System.out.flush();
        }
        return 0;
    }

    /**
     * Prepares the product, warms it up if {@code warmUpBudget} is not null, then calls it for at least {@code nanos}
     * until steady (see the class comment), or for {@code maxNanos}; the figures of {@link Result}, with a
     * {@link Reference} measured after the run if {@code reference}.
     */
    public static Result measure(StudyWorkload w, StudyPrecision precision, String isa, int threads, long nanos,
                                 long maxNanos, Duration warmUpBudget, boolean reference) {
        long prepStart = System.nanoTime();
        try (StudyProduct product = StudyProducts.create(w, precision, isa, threads)) {
            long prepEnd = System.nanoTime();
            double warmUpMillis = Double.NaN;
            boolean warmUpSettled = false;
            if (warmUpBudget != null) {
                Optional<WarmUp> warm = product.warmUp(warmUpBudget);
                if (warm.isPresent()) {
                    warmUpMillis = (System.nanoTime() - prepEnd) / 1e6;
                    warmUpSettled = warm.get().settled();
                }
            }
            long start = System.nanoTime();
            long[] ends = new long[1 << 12];
            int calls = 0;
            List<Integer> segmentEnds = new ArrayList<>(); // index past each closed segment's last call
            long segmentStart = start;
            while (true) {
                product.run();
                long now = System.nanoTime();
                if (calls == ends.length) {
                    ends = Arrays.copyOf(ends, calls * 2);
                }
                ends[calls++] = now;
                if (now - segmentStart >= SEGMENT_MILLIS * 1_000_000L) {
                    segmentEnds.add(calls);
                    segmentStart = now;
                    if (now - start >= nanos && steadyAtEnd(start, ends, segmentEnds)) {
                        break;
                    }
                }
                if (now - start >= maxNanos) {
                    break;
                }
            }
            Result r = analyse(w, precision.name(), threads, (prepEnd - prepStart) / 1e6, warmUpMillis, warmUpSettled,
                    start, Arrays.copyOf(ends, calls));
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

    /** Whether the last {@value SteadyState#WINDOW} closed segments agree ({@link SteadyState}). */
    private static boolean steadyAtEnd(long start, long[] ends, List<Integer> segmentEnds) {
        int n = segmentEnds.size();
        if (n < SteadyState.WINDOW) {
            return false;
        }
        double[] perCall = new double[SteadyState.WINDOW];
        for (int s = 0; s < SteadyState.WINDOW; s++) {
            int to = segmentEnds.get(n - SteadyState.WINDOW + s);
            int from = n - SteadyState.WINDOW + s == 0 ? 0 : segmentEnds.get(n - SteadyState.WINDOW + s - 1);
            long t0 = from == 0 ? start : ends[from - 1];
            perCall[s] = (ends[to - 1] - t0) / (double) (to - from);
        }
        SteadyState steady = SteadyState.of(perCall);
        return steady.settled() && steady.warmupIterations() == 0;
    }

    /**
     * The figures from the calls' end times ({@code start}: the first call's start; all from System.nanoTime).
     * Throughputs are calls per time (what a caller sees), never a median that would hide slow calls. The steady
     * throughput is that of the last {@value SteadyState#WINDOW} segments of at least {@value #SEGMENT_MILLIS} ms
     * (cut from the first call on; a last partial segment joins the one before), settled if they agree.
     */
    static Result analyse(StudyWorkload w, String precision, int threads, double prepareMillis, double warmUpMillis,
                          boolean warmUpSettled, long start, long[] ends) {
        int calls = ends.length;
        long last = ends[calls - 1];
        List<Integer> segmentEnds = new ArrayList<>();
        long segmentStart = start;
        for (int i = 0; i < calls; i++) {
            if (ends[i] - segmentStart >= SEGMENT_MILLIS * 1_000_000L) {
                segmentEnds.add(i + 1);
                segmentStart = ends[i];
            }
        }
        if (segmentEnds.isEmpty() || segmentEnds.get(segmentEnds.size() - 1) != calls) {
            if (!segmentEnds.isEmpty()) {
                segmentEnds.remove(segmentEnds.size() - 1); // the partial tail joins the segment before it
            }
            segmentEnds.add(calls);
        }
        boolean settled = steadyAtEnd(start, ends, segmentEnds);
        int n = segmentEnds.size();
        int first = n <= SteadyState.WINDOW ? 0 : segmentEnds.get(n - SteadyState.WINDOW - 1); // first steady call
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
            int k = 0;
            while (c < calls && ends[c] <= t) {
                c++;
                k++;
            }
            series.add(k * (double) w.macs() / (half / 1e9) / 1e9);
        }
        return new Result(w.name(), precision, threads, prepareMillis, warmUpMillis, warmUpSettled,
                (ends[0] - start) / 1e6, peak, w.macs() * steadyRate, settled, calls,
                series.stream().mapToDouble(Double::doubleValue).toArray(), null);
    }

    /** Runs the loops; options as {@code --help} lists them. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TimeToPeak()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}

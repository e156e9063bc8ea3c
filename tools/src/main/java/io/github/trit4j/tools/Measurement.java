package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement of the study: a row of {@code results.csv}.
 *
 * @param fingerprint         the machine and JVM
 * @param isaShape            the ISA shape's id ({@code native}, {@code avx2}, {@code neon})
 * @param jvmFlags            the shape's extra JVM flags, space-separated
 * @param kernel              what ran, as the fork reported it (e.g. {@code trit4j AVX512},
 *                            {@code OpenBLAS 0.3.21 Cooperlake (system)})
 * @param workload            the workload's name ({@code S1}, or {@code MxNxK})
 * @param kind                {@code GEMM}, {@code CONV} or {@code NETWORK}
 * @param m                   output rows
 * @param n                   output columns
 * @param k                   reduction length
 * @param precision           a {@link io.github.trit4j.bench.StudyPrecision} name
 * @param threads             threads per product
 * @param microsPerOp         mean time per product over the settled iterations, microseconds ({@link SteadyState})
 * @param microsError         JMH's 99.9% error of it (NaN when there was one iteration)
 * @param warmupIterations    iterations before the figure settled (-1: not recorded, e.g. an older CSV)
 * @param measuredIterations  iterations the figure is the mean of (-1: not recorded)
 * @param settled             whether three consecutive iterations agreed within 5% (null: not recorded)
 * @param timeToPeakMillis    time from the first call in a fresh JVM to 90% of steady throughput, median over fresh
 *                            JVMs, milliseconds (NaN: not measured for this row; infinite: not reached in the run)
 * @param timeToPeakAotMillis the same with the AOT cache of {@code trit4j aot-train} (NaN: not measured)
 * @param timeToPeakWarmMillis the same from the first call after the library's warm-up ({@code GemmEngine.warmUp},
 *                            {@code Conv2d.warmUp}), which ran first (NaN: not measured)
 * @param warmUpMillis        that warm-up's own duration, median over the same JVMs (NaN: not measured); from JVM
 *                            start to peak a service pays both
 * @param timeToPeakSettled   whether every time-to-peak JVM of the row ended its run on a steady state rather than on
 *                            its cap (null: not measured or not recorded)
 */
public record Measurement(MachineFingerprint fingerprint, String isaShape, String jvmFlags, String kernel,
                          String workload, String kind, int m, int n, int k, String precision, int threads,
                          double microsPerOp, double microsError, int warmupIterations, int measuredIterations,
                          Boolean settled, double timeToPeakMillis, double timeToPeakAotMillis,
                          double timeToPeakWarmMillis, double warmUpMillis, Boolean timeToPeakSettled) {

    /** A measurement whose warm-up was not recorded and whose time to peak was not measured. */
    public Measurement(MachineFingerprint fingerprint, String isaShape, String jvmFlags, String kernel,
                       String workload, String kind, int m, int n, int k, String precision, int threads,
                       double microsPerOp, double microsError) {
        this(fingerprint, isaShape, jvmFlags, kernel, workload, kind, m, n, k, precision, threads, microsPerOp,
                microsError, -1, -1, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);
    }

    /** The CSV columns, in order. */
    public static final List<String> COLUMNS = List.of(
            "date", "machine", "cpu_model", "arch", "cpu_flags", "cores", "os", "jdk",
            "isa_shape", "jvm_flags", "kernel", "workload", "kind", "m", "n", "k", "precision", "threads",
            "us_per_op", "us_error", "gmac_per_s", "warmup_iterations", "measured_iterations", "settled",
            "time_to_peak_ms", "time_to_peak_aot_ms", "time_to_peak_warm_ms", "warm_up_ms", "time_to_peak_settled");

    /** Columns a CSV may lack (written by an older trit4j): read as "not recorded". */
    static final List<String> OPTIONAL_COLUMNS = List.of("warmup_iterations", "measured_iterations", "settled",
            "time_to_peak_ms", "time_to_peak_aot_ms", "time_to_peak_warm_ms", "warm_up_ms", "time_to_peak_settled");

    /** Useful multiply-accumulates per second, in billions: {@code M*N*K / time}. */
    public double gmacs() {
        return (double) m * n * k / microsPerOp / 1e3;
    }

    /** The GMAC/s error matching {@link #microsError} (first order), NaN if unknown. */
    public double gmacsError() {
        return Double.isNaN(microsError) ? Double.NaN : gmacs() * microsError / microsPerOp;
    }

    /** This measurement with its time-to-peak figures (see the record's components). */
    public Measurement withTimeToPeak(double millis, double aotMillis, double warmMillis, double warmUp,
                                      Boolean allSettled) {
        return new Measurement(fingerprint, isaShape, jvmFlags, kernel, workload, kind, m, n, k, precision, threads,
                microsPerOp, microsError, warmupIterations, measuredIterations, settled, millis, aotMillis, warmMillis,
                warmUp, allSettled);
    }

    /** This measurement with another kernel description. */
    public Measurement withKernel(String newKernel) {
        return new Measurement(fingerprint, isaShape, jvmFlags, newKernel, workload, kind, m, n, k, precision, threads,
                microsPerOp, microsError, warmupIterations, measuredIterations, settled, timeToPeakMillis,
                timeToPeakAotMillis, timeToPeakWarmMillis, warmUpMillis, timeToPeakSettled);
    }

    /** The row's values, in {@link #COLUMNS} order. */
    public List<String> values() {
        MachineFingerprint f = fingerprint;
        List<String> v = new ArrayList<>(List.of(f.date(), f.machine(), f.cpuModel(), f.arch(), f.cpuFlags(),
                Integer.toString(f.cores()), f.os(), f.jdk(), isaShape, jvmFlags, kernel, workload, kind,
                Integer.toString(m), Integer.toString(n), Integer.toString(k), precision, Integer.toString(threads),
                number(microsPerOp), number(microsError), number(gmacs())));
        v.add(warmupIterations < 0 ? "" : Integer.toString(warmupIterations));
        v.add(measuredIterations < 0 ? "" : Integer.toString(measuredIterations));
        v.add(yesNo(settled));
        v.add(number(timeToPeakMillis));
        v.add(number(timeToPeakAotMillis));
        v.add(number(timeToPeakWarmMillis));
        v.add(number(warmUpMillis));
        v.add(yesNo(timeToPeakSettled));
        return v;
    }

    private static String yesNo(Boolean b) {
        return b == null ? "" : b ? "yes" : "no";
    }

    private static Boolean yesNo(String column, String v) {
        return v == null || v.isEmpty() ? null : switch (v) {
            case "yes" -> Boolean.TRUE;
            case "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(column + " must be yes, no or empty, got " + v);
        };
    }

    private static String number(double d) {
        return Double.isNaN(d) ? "" : Double.isInfinite(d) ? "never" : String.format(Locale.ROOT, "%.3f", d);
    }

    /**
     * A measurement from a row by column name (gmac_per_s is recomputed); the {@link #OPTIONAL_COLUMNS} may be
     * missing or empty.
     */
    public static Measurement of(Map<String, String> v) {
        MachineFingerprint f = new MachineFingerprint(v.get("machine"), v.get("cpu_model"), v.get("arch"),
                v.get("cpu_flags"), Integer.parseInt(v.get("cores")), v.get("os"), v.get("jdk"), v.get("date"));
        return new Measurement(f, v.get("isa_shape"), v.get("jvm_flags"), v.get("kernel"), v.get("workload"),
                v.get("kind"), Integer.parseInt(v.get("m")), Integer.parseInt(v.get("n")), Integer.parseInt(v.get("k")),
                v.get("precision"), Integer.parseInt(v.get("threads")), Double.parseDouble(v.get("us_per_op")),
                parse(v.get("us_error")), parseInt(v.get("warmup_iterations")), parseInt(v.get("measured_iterations")),
                yesNo("settled", v.get("settled")), parse(v.get("time_to_peak_ms")), parse(v.get("time_to_peak_aot_ms")),
                parse(v.get("time_to_peak_warm_ms")), parse(v.get("warm_up_ms")),
                yesNo("time_to_peak_settled", v.get("time_to_peak_settled")));
    }

    private static double parse(String s) {
        return s == null || s.isEmpty() ? Double.NaN : s.equals("never") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
    }

    private static int parseInt(String s) {
        return s == null || s.isEmpty() ? -1 : Integer.parseInt(s);
    }
}

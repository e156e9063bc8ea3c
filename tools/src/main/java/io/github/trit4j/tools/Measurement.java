package io.github.trit4j.tools;

import java.util.List;
import java.util.Locale;

/**
 * One measurement of the study: a row of {@code results.csv}.
 *
 * @param fingerprint the machine and JVM
 * @param isaShape    the ISA shape's id ({@code native}, {@code avx2}, {@code neon})
 * @param jvmFlags    the shape's extra JVM flags, space-separated
 * @param kernel      what ran, as the fork reported it (e.g. {@code trit4j AVX512}, {@code OpenBLAS Haswell})
 * @param workload    the workload's name ({@code S1}, or {@code MxNxK})
 * @param kind        {@code GEMM} (convolution later)
 * @param m           output rows
 * @param n           output columns
 * @param k           reduction length
 * @param precision   a {@link io.github.trit4j.bench.StudyPrecision} name
 * @param threads     threads per product
 * @param microsPerOp JMH's average time per product in microseconds
 * @param microsError JMH's 99.9% error of it (NaN when there was one iteration)
 */
public record Measurement(MachineFingerprint fingerprint, String isaShape, String jvmFlags, String kernel,
                          String workload, String kind, int m, int n, int k, String precision, int threads,
                          double microsPerOp, double microsError) {

    /** The CSV columns, in order. */
    public static final List<String> COLUMNS = List.of(
            "date", "machine", "cpu_model", "arch", "cpu_flags", "cores", "os", "jdk",
            "isa_shape", "jvm_flags", "kernel", "workload", "kind", "m", "n", "k", "precision", "threads",
            "us_per_op", "us_error", "gmac_per_s");

    /** Useful multiply-accumulates per second, in billions: {@code M*N*K / time}. */
    public double gmacs() {
        return (double) m * n * k / microsPerOp / 1e3;
    }

    /** The row's values, in {@link #COLUMNS} order. */
    public List<String> values() {
        MachineFingerprint f = fingerprint;
        return List.of(f.date(), f.machine(), f.cpuModel(), f.arch(), f.cpuFlags(), Integer.toString(f.cores()),
                f.os(), f.jdk(), isaShape, jvmFlags, kernel, workload, kind, Integer.toString(m),
                Integer.toString(n), Integer.toString(k), precision, Integer.toString(threads),
                String.format(Locale.ROOT, "%.3f", microsPerOp),
                Double.isNaN(microsError) ? "" : String.format(Locale.ROOT, "%.3f", microsError),
                String.format(Locale.ROOT, "%.3f", gmacs()));
    }

    /** A measurement from a row in {@link #COLUMNS} order (gmac_per_s is recomputed). */
    public static Measurement of(List<String> v) {
        if (v.size() != COLUMNS.size()) {
            throw new IllegalArgumentException("expected " + COLUMNS.size() + " columns, got " + v.size());
        }
        MachineFingerprint f = new MachineFingerprint(v.get(1), v.get(2), v.get(3), v.get(4),
                Integer.parseInt(v.get(5)), v.get(6), v.get(7), v.get(0));
        return new Measurement(f, v.get(8), v.get(9), v.get(10), v.get(11), v.get(12),
                Integer.parseInt(v.get(13)), Integer.parseInt(v.get(14)), Integer.parseInt(v.get(15)),
                v.get(16), Integer.parseInt(v.get(17)), Double.parseDouble(v.get(18)),
                v.get(19).isEmpty() ? Double.NaN : Double.parseDouble(v.get(19)));
    }
}

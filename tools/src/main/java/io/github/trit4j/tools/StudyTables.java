package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import io.github.trit4j.bench.StudyPrecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The study's tables: a summary (geometric-mean speedup of each precision over fp32 OpenBLAS
 * per machine, ISA shape and thread count, and per workload kind when GEMMs and convolutions are
 * both present) and one detail table per such group (per workload: speedup and GMAC/s of each
 * precision, and FATNN over conventional ternary). For a convolution, fp32 OpenBLAS is im2col + sgemm.
 */
public final class StudyTables {

    private StudyTables() {
    }

    /** The summary first, then the network tables ({@link StudyNetwork}), then the detail tables. */
    public static List<TextTable> all(StudyResults results) {
        List<TextTable> tables = new ArrayList<>();
        tables.add(summary(results));
        tables.addAll(StudyNetwork.tables(results));
        for (StudyResults.Group g : results.groups()) {
            tables.add(detail(results, g));
        }
        timeToPeak(results).ifPresent(tables::add);
        return tables;
    }

    /**
     * One row per group (and per workload kind, GEMM, convolution or network, when several are present): geometric means
     * over the workloads.
     */
    public static TextTable summary(StudyResults results) {
        List<StudyPrecision> precisions = results.precisions();
        boolean anchored = hasAnchor(results);
        boolean machines = results.severalMachines();
        List<String> kinds = results.kinds();
        boolean byKind = kinds.size() > 1;
        List<String> header = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        if (machines) {
            header.add("machine");
            numeric.add(false);
        }
        header.add("ISA shape (kernel)");
        numeric.add(false);
        header.add("threads");
        numeric.add(true);
        if (byKind) {
            header.add("workloads");
            numeric.add(false);
        }
        for (StudyPrecision p : precisions) {
            header.add(p.label);
            numeric.add(true);
        }
        header.add("FATNN / conventional");
        numeric.add(true);
        List<List<String>> rows = new ArrayList<>();
        for (StudyResults.Group g : results.groups()) {
            for (String kind : byKind ? kinds : List.<String>of("")) {
                if (byKind && !results.has(g, kind)) {
                    continue;
                }
                List<String> row = new ArrayList<>();
                if (machines) {
                    row.add(g.machine());
                }
                row.add(g.isaShape() + trit4jKernel(results, g));
                row.add(Integer.toString(g.threads()));
                if (byKind) {
                    row.add(kindLabel(kind));
                }
                for (StudyPrecision p : precisions) {
                    if (anchored) {
                        row.add(times(byKind ? results.geomeanSpeedup(g, p, kind) : results.geomeanSpeedup(g, p)));
                    } else {
                        OptionalDouble gm = StudyResults.geomean((byKind ? results.workloads(kind) : results.workloads())
                                .stream().map(w -> results.find(g, w, p).map(m -> OptionalDouble.of(m.gmacs()))
                                        .orElse(OptionalDouble.empty())).toList());
                        row.add(gm.isPresent() ? String.format(Locale.ROOT, "%.1f", gm.getAsDouble()) : "-");
                    }
                }
                row.add(times(byKind ? results.geomeanFatnnOverConventional(g, kind) : results.geomeanFatnnOverConventional(g)));
                rows.add(row);
            }
        }
        String over = "(geometric mean over " + String.join(", ", results.workloads()) + (byKind ? ", per kind" : "")
                + "; higher is faster)";
        return new TextTable(anchored ? "Speedup over fp32 OpenBLAS " + over
                : "GMAC/s, fp32 OpenBLAS not measured " + over, header, numeric, rows);
    }

    /** {@code "GEMM"}, {@code "conv"}, {@code "network"}. */
    static String kindLabel(String kind) {
        return kind.equals(io.github.trit4j.bench.StudyWorkload.Kind.CONV.name()) ? "conv"
                : kind.equals(io.github.trit4j.bench.StudyWorkload.Kind.NETWORK.name()) ? "network" : kind;
    }

    /**
     * A line naming the OpenBLAS core(s) of the anchor and of the env-forced run, e.g.
     * {@code "fp32 OpenBLAS core: Zen [native core; OPENBLAS_CORETYPE=Haswell removed]"}; empty without OpenBLAS rows.
     */
    public static java.util.Optional<String> openBlasNote(StudyResults results) {
        List<String> lines = new ArrayList<>();
        for (StudyPrecision p : List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.FP32_OPENBLAS_ENV)) {
            List<String> cores = results.all().stream().filter(m -> m.precision().equals(p.name()))
                    .map(m -> (results.severalMachines() ? m.fingerprint().machine() + ": " : "")
                            + m.kernel().replace(" + im2col", "")).distinct().toList();
            if (!cores.isEmpty()) {
                lines.add(p.label + " ran: " + String.join("; ", cores)
                        + (cores.size() > 1 && p == StudyPrecision.FP32_OPENBLAS
                        ? " (each library measured; the faster per workload and threads is the anchor)" : ""));
            }
        }
        return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("\n", lines) + "\n");
    }

    /**
     * Time to peak per workload (rows with a time to peak: ternary FATNN, 1 thread): the JMH steady figure, and the
     * median over fresh JVMs of the time from the first call to 90% of steady throughput, with the default JVM, from
     * the first call after the library's warm-up with the warm-up's own duration beside it (from JVM start a service
     * pays both), and with the AOT cache. A row some of whose JVMs never settled (their run ended on its cap) is
     * marked {@value #UNSETTLED}. Empty if none was measured.
     */
    public static Optional<TextTable> timeToPeak(StudyResults results) {
        List<Measurement> rows = results.all().stream().filter(m -> !Double.isNaN(m.timeToPeakMillis())
                || !Double.isNaN(m.timeToPeakAotMillis())).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        boolean aot = rows.stream().anyMatch(m -> !Double.isNaN(m.timeToPeakAotMillis()));
        boolean warm = rows.stream().anyMatch(m -> !Double.isNaN(m.timeToPeakWarmMillis()));
        boolean machines = results.severalMachines();
        List<String> header = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        if (machines) {
            header.add("machine");
            numeric.add(false);
        }
        header.addAll(List.of("workload (M,N,K)", "kernel", "steady GMAC/s (JMH)", "time to peak, default JVM (ms)"));
        numeric.addAll(List.of(false, false, true, true));
        if (warm) {
            header.addAll(List.of("after warm-up (ms)", "the warm-up (ms)"));
            numeric.addAll(List.of(true, true));
        }
        if (aot) {
            header.add("with AOT cache (ms)");
            numeric.add(true);
        }
        List<List<String>> body = new ArrayList<>();
        for (Measurement m : rows) {
            List<String> row = new ArrayList<>();
            if (machines) {
                row.add(m.fingerprint().machine());
            }
            row.add(io.github.trit4j.bench.StudyWorkload.parse(m.workload()).label());
            row.add(m.kernel());
            row.add(gmacs(m));
            String mark = Boolean.FALSE.equals(m.timeToPeakSettled()) ? UNSETTLED : "";
            row.add(TimeToPeakRunner.millis(m.timeToPeakMillis()) + mark);
            if (warm) {
                row.add(TimeToPeakRunner.millis(m.timeToPeakWarmMillis()) + mark);
                row.add(TimeToPeakRunner.millis(m.warmUpMillis()));
            }
            if (aot) {
                row.add(TimeToPeakRunner.millis(m.timeToPeakAotMillis()) + mark);
            }
            body.add(row);
        }
        return Optional.of(new TextTable("Time to peak: from the first call in a fresh JVM to 90% of steady throughput "
                + "(ternary FATNN, 1 thread; median over fresh JVMs; lower is better; " + UNSETTLED + ": a JVM's run "
                + "never settled)", header, numeric, body));
    }

    /** Whether fp32 OpenBLAS, the anchor of every speedup, was measured. */
    static boolean hasAnchor(StudyResults results) {
        return results.all().stream().anyMatch(m -> m.precision().equals(StudyPrecision.FP32_OPENBLAS.name()));
    }

    /** Marks a figure whose iterations never settled ({@link SteadyState}). */
    static final String UNSETTLED = "\u2020";

    /**
     * Per workload: "speedup (GMAC/s ± JMH error)" per precision ({@value #UNSETTLED} after a figure that never
     * settled), and FATNN over conventional. Without fp32 OpenBLAS: GMAC/s only, and the title says so.
     */
    public static TextTable detail(StudyResults results, StudyResults.Group g) {
        List<StudyPrecision> precisions = results.precisions();
        List<String> header = new ArrayList<>(List.of("workload (M,N,K)"));
        List<Boolean> numeric = new ArrayList<>(List.of(false));
        for (StudyPrecision p : precisions) {
            header.add(p.label);
            numeric.add(true);
        }
        header.add("FATNN / conventional");
        numeric.add(true);
        List<List<String>> rows = new ArrayList<>();
        for (String w : results.workloads()) {
            List<String> row = new ArrayList<>();
            Optional<Measurement> any = results.all().stream().filter(m -> m.workload().equals(w)).findFirst();
            row.add(any.map(m -> io.github.trit4j.bench.StudyWorkload.parse(w).label()).orElse(w));
            boolean found = false;
            for (StudyPrecision p : precisions) {
                Optional<Measurement> m = results.find(g, w, p);
                if (m.isEmpty()) {
                    row.add("-");
                    continue;
                }
                found = true;
                OptionalDouble s = results.speedup(g, w, p);
                row.add((s.isPresent() ? times(s) + " " : "") + "(" + gmacs(m.get()) + ")"
                        + (Boolean.FALSE.equals(m.get().settled()) ? UNSETTLED : ""));
            }
            row.add(times(results.fatnnOverConventional(g, w)));
            if (found) {
                rows.add(row);
            }
        }
        String title = g.label(results.severalMachines()) + trit4jKernel(results, g)
                + (hasAnchor(results) ? ": speedup over fp32 OpenBLAS (GMAC/s \u00b1 JMH 99.9% error)"
                : ": GMAC/s \u00b1 JMH 99.9% error (fp32 OpenBLAS not measured)");
        return new TextTable(title, header, numeric, rows);
    }

    /** {@code " (trit4j AVX512)"}: the kernel shape trit4j's products ran on in a group, if any. */
    static String trit4jKernel(StudyResults results, StudyResults.Group g) {
        return results.all().stream()
                .filter(m -> m.fingerprint().machine().equals(g.machine()) && m.isaShape().equals(g.isaShape())
                        && m.threads() == g.threads() && m.kernel().startsWith("trit4j "))
                .map(m -> " (" + m.kernel().substring("trit4j ".length()) + ")").findFirst().orElse("");
    }

    /** {@code "678.5 ± 12.3"}, or without the error when there is none. */
    static String gmacs(Measurement m) {
        double e = m.gmacsError();
        return Double.isNaN(e) ? String.format(Locale.ROOT, "%.1f", m.gmacs())
                : String.format(Locale.ROOT, "%.1f \u00b1 %.1f", m.gmacs(), e);
    }

    /** The note under the tables when some figure never settled, else empty. */
    public static Optional<String> unsettledNote(StudyResults results) {
        long n = results.all().stream().filter(m -> Boolean.FALSE.equals(m.settled())).count();
        return n == 0 ? Optional.empty() : Optional.of(UNSETTLED + " " + n + " measurement(s) never settled: no "
                + SteadyState.WINDOW + " consecutive JMH iterations agreed within " + SteadyState.TOLERANCE_PERCENT
                + "%; the figure is the mean of the last " + SteadyState.WINDOW + " (results.csv: settled = no).\n");
    }

    static String times(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2fx", v.getAsDouble()) : "-";
    }
}

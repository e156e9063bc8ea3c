package io.github.trit4j.tools;

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

    /** The summary first, then the detail tables. */
    public static List<TextTable> all(StudyResults results) {
        List<TextTable> tables = new ArrayList<>();
        tables.add(summary(results));
        for (StudyResults.Group g : results.groups()) {
            tables.add(detail(results, g));
        }
        return tables;
    }

    /**
     * One row per group (and per workload kind, GEMM or convolution, when both are present): geometric means
     * over the workloads.
     */
    public static TextTable summary(StudyResults results) {
        List<StudyPrecision> precisions = results.precisions();
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
                    row.add(times(byKind ? results.geomeanSpeedup(g, p, kind) : results.geomeanSpeedup(g, p)));
                }
                row.add(times(byKind ? results.geomeanFatnnOverConventional(g, kind) : results.geomeanFatnnOverConventional(g)));
                rows.add(row);
            }
        }
        return new TextTable("Speedup over fp32 OpenBLAS (geometric mean over " + String.join(", ", results.workloads())
                + (byKind ? ", per kind" : "") + "; higher is faster)", header, numeric, rows);
    }

    /** {@code "GEMM"}, {@code "conv"}. */
    static String kindLabel(String kind) {
        return kind.equals(io.github.trit4j.bench.StudyWorkload.Kind.CONV.name()) ? "conv" : kind;
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
                lines.add(p.label + " ran: " + String.join("; ", cores));
            }
        }
        return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("\n", lines) + "\n");
    }

    /** Per workload: "speedup (GMAC/s)" per precision, and FATNN over conventional. */
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
                row.add((s.isPresent() ? times(s) + " " : "")
                        + String.format(Locale.ROOT, "(%.1f)", m.get().gmacs()));
            }
            row.add(times(results.fatnnOverConventional(g, w)));
            if (found) {
                rows.add(row);
            }
        }
        String title = g.label(results.severalMachines()) + trit4jKernel(results, g)
                + ": speedup over fp32 OpenBLAS (GMAC/s)";
        return new TextTable(title, header, numeric, rows);
    }

    /** {@code " (trit4j AVX512)"}: the kernel shape trit4j's products ran on in a group, if any. */
    static String trit4jKernel(StudyResults results, StudyResults.Group g) {
        return results.all().stream()
                .filter(m -> m.fingerprint().machine().equals(g.machine()) && m.isaShape().equals(g.isaShape())
                        && m.threads() == g.threads() && m.kernel().startsWith("trit4j "))
                .map(m -> " (" + m.kernel().substring("trit4j ".length()) + ")").findFirst().orElse("");
    }

    static String times(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2fx", v.getAsDouble()) : "-";
    }
}

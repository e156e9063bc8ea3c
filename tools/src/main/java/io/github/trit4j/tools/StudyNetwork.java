package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The study's network table: for each machine and ISA shape with whole-network measurements, one row per way to run
 * ResNet-18 (trit4j's ternary networks and its fp32 network, then PyTorch's int8 and fp32 anchors,
 * {@link PyTorchAnchors}) and one column per batch size and thread count, each cell the time per batch (± its
 * error) and images per second; then FATNN's speedup over each PyTorch anchor. The PyTorch rows are always there
 * ("not measured" without torch); PyTorch does not depend on the JVM's flags, so every shape's table shows the same
 * PyTorch figures. {@link StudyCharts} draws the same cells as images per second.
 */
final class StudyNetwork {

    /** The cell of a PyTorch anchor without a figure (no torch, no Python, the script failed, or not asked for). */
    static final String NOT_MEASURED = "not measured";

    /** A machine and ISA shape: one table. */
    record Scope(String machine, String isaShape) {
        String label(boolean withMachine) {
            return withMachine ? machine + " \u00b7 " + isaShape : isaShape;
        }
    }

    /** A network workload at a thread count: one column. */
    record Column(String workload, int batch, int threads) {
        String label() {
            return "batch " + batch + ", " + threads + (threads == 1 ? " thread" : " threads");
        }
    }

    /** A way to run the network: one row, by its {@code precision} in results.csv. */
    record Row(String precision, String label, boolean anchor) {
    }

    /** The rows in table order: trit4j's ternary networks, its fp32 networks, PyTorch int8 and fp32. */
    static final List<Row> ROWS = List.of(
            trit4j(StudyPrecision.TERNARY_FATNN),
            trit4j(StudyPrecision.TERNARY_CONVENTIONAL),
            trit4j(StudyPrecision.TERNARY_TWO_BIT),
            trit4j(StudyPrecision.FP32_OPENBLAS),
            trit4j(StudyPrecision.FP32_OPENBLAS_ENV),
            trit4j(StudyPrecision.FP32_VECTOR),
            new Row(PyTorchAnchors.Anchor.INT8.precision(), PyTorchAnchors.Anchor.INT8.label, true),
            new Row(PyTorchAnchors.Anchor.FP32.precision(), PyTorchAnchors.Anchor.FP32.label, true));

    private static Row trit4j(StudyPrecision p) {
        return new Row(p.name(), "trit4j " + p.label, false);
    }

    private StudyNetwork() {
    }

    /** Machines and ISA shapes with a network measurement, in the results' group order. */
    static List<Scope> scopes(StudyResults results) {
        return results.groups().stream().filter(g -> results.has(g, StudyWorkload.Kind.NETWORK.name()))
                .map(g -> new Scope(g.machine(), g.isaShape())).distinct().toList();
    }

    /** The network workloads x thread counts measured in a scope (and PyTorch's on its machine), by batch, threads. */
    static List<Column> columns(StudyResults results, Scope scope) {
        return results.all().stream()
                .filter(m -> m.kind().equals(StudyWorkload.Kind.NETWORK.name()) && (inScope(m, scope)
                        || isAnchor(m) && m.fingerprint().machine().equals(scope.machine())))
                .map(m -> new Column(m.workload(), m.n(), m.threads())).distinct()
                .sorted(Comparator.comparingInt(Column::batch).thenComparingInt(Column::threads)).toList();
    }

    /** The rows of a scope: the trit4j ones measured there, and both PyTorch anchors. */
    static List<Row> rows(StudyResults results, Scope scope) {
        return ROWS.stream().filter(r -> r.anchor() || results.all().stream()
                .anyMatch(m -> inScope(m, scope) && m.precision().equals(r.precision())
                        && m.kind().equals(StudyWorkload.Kind.NETWORK.name()))).toList();
    }

    /** A cell's measurement (the fastest where a precision ran more than once, as {@link StudyResults#find}). */
    static Optional<Measurement> find(StudyResults results, Scope scope, Row row, Column column) {
        return results.all().stream()
                .filter(m -> m.workload().equals(column.workload()) && m.threads() == column.threads()
                        && m.precision().equals(row.precision()) && (row.anchor()
                        ? m.fingerprint().machine().equals(scope.machine()) : inScope(m, scope)))
                .min(Comparator.comparingDouble(Measurement::microsPerOp));
    }

    /** Images per second of a network measurement (its batch over its time per batch). */
    static double imagesPerSecond(Measurement m) {
        return m.n() * 1e6 / m.microsPerOp();
    }

    /** One table per scope. */
    static List<TextTable> tables(StudyResults results) {
        List<TextTable> out = new ArrayList<>();
        for (Scope s : scopes(results)) {
            out.add(table(results, s));
        }
        return out;
    }

    /** The table of a scope: "ms ± error, images/s" per row and column, then FATNN over each PyTorch anchor. */
    static TextTable table(StudyResults results, Scope scope) {
        List<Column> columns = columns(results, scope);
        List<String> header = new ArrayList<>(List.of("ResNet-18 224x224"));
        List<Boolean> numeric = new ArrayList<>(List.of(false));
        for (Column c : columns) {
            header.add(c.label());
            numeric.add(true);
        }
        List<List<String>> body = new ArrayList<>();
        for (Row r : rows(results, scope)) {
            List<String> row = new ArrayList<>(List.of(r.label()));
            for (Column c : columns) {
                row.add(find(results, scope, r, c).map(StudyNetwork::cell).orElse(r.anchor() ? NOT_MEASURED : "-"));
            }
            body.add(row);
        }
        Row fatnn = ROWS.get(0);
        for (Row anchor : ROWS.stream().filter(Row::anchor).toList()) {
            List<String> row = new ArrayList<>(List.of("FATNN speedup over " + anchor.label()));
            boolean any = false;
            for (Column c : columns) {
                Optional<Measurement> f = find(results, scope, fatnn, c);
                Optional<Measurement> a = find(results, scope, anchor, c);
                if (f.isPresent() && a.isPresent()) {
                    row.add(String.format(Locale.ROOT, "%.2fx", a.get().microsPerOp() / f.get().microsPerOp()));
                    any = true;
                } else {
                    row.add("-");
                }
            }
            if (any) {
                body.add(row);
            }
        }
        return new TextTable("ResNet-18 whole network, " + scope.label(results.severalMachines())
                + ": ms per batch \u00b1 99.9% error, images/s (trit4j: JMH; PyTorch: tools/torch/resnet_anchor.py, "
                + "same iterations and steady-state rule; lower ms is faster)", header, numeric, body);
    }

    /** {@code "11.02 ± 0.21 ms, 90.7 img/s"}, marked when it never settled. */
    static String cell(Measurement m) {
        double ms = m.microsPerOp() / 1000;
        String error = Double.isNaN(m.microsError()) ? ""
                : String.format(Locale.ROOT, " \u00b1 %.2f", m.microsError() / 1000);
        return String.format(Locale.ROOT, "%.2f%s ms, %.1f img/s", ms, error, imagesPerSecond(m))
                + (Boolean.FALSE.equals(m.settled()) ? StudyTables.UNSETTLED : "");
    }

    private static boolean inScope(Measurement m, Scope s) {
        return m.fingerprint().machine().equals(s.machine()) && m.isaShape().equals(s.isaShape());
    }

    private static boolean isAnchor(Measurement m) {
        return m.precision().startsWith("PYTORCH_");
    }
}

package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes the study's outputs into a folder: {@code results.csv}, the PNG charts, and
 * {@code report.html} (self-contained: styles inline, charts embedded as base64 PNG, no
 * script, opens offline); and prints the Markdown tables.
 */
public final class StudyReport {

    /** The CSV's file name. */
    public static final String CSV = "results.csv";
    /** The HTML report's file name. */
    public static final String HTML = "report.html";

    private StudyReport() {
    }

    /** The heading's suffix of an indicative run (the report's title and first heading). */
    static final String INDICATIVE = " \u2014 INDICATIVE ONLY (--quick: too few iterations for a steady state; not for "
            + "publication)";

    /** Writes everything under {@code dir} (created if needed) and prints the tables to {@code out}. */
    public static void write(List<Measurement> measurements, Path dir, String heading, PrintWriter out) throws IOException {
        write(measurements, dir, heading, false, out);
    }

    /**
     * Writes everything under {@code dir} (created if needed) and prints the tables to {@code out}.
     *
     * @param indicative whether the figures are indicative only ({@code --quick}): the report's title and every
     *                   chart's title say so
     */
    public static void write(List<Measurement> measurements, Path dir, String heading, boolean indicative,
                             PrintWriter out) throws IOException {
        Files.createDirectories(dir);
        if (indicative) {
            heading = heading + INDICATIVE;
        }
        StudyResults results = new StudyResults(measurements);
        List<TextTable> tables = StudyTables.all(results);
        ResultsCsv.write(dir.resolve(CSV), measurements);
        Map<String, byte[]> charts = StudyCharts.render(results, indicative);
        for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
            Files.write(dir.resolve(chart.getKey()), chart.getValue());
        }
        Files.writeString(dir.resolve(HTML), html(heading, results, tables, charts), StandardCharsets.UTF_8);

        out.println();
        for (MachineFingerprint f : results.machines()) {
            out.println(machineLine(f));
        }
        out.println();
        for (TextTable t : tables) {
            out.println(t.markdown());
        }
        StudyTables.openBlasNote(results).ifPresent(out::println);
        StudyTables.unsettledNote(results).ifPresent(out::println);
        out.println("Wrote " + dir.resolve(CSV) + ", " + dir.resolve(HTML) + " and " + charts.size() + " PNG charts.");
        out.flush();
    }

    static String machineLine(MachineFingerprint f) {
        return "Machine " + f.machine() + ": " + f.cpuModel() + ", " + f.arch() + ", " + f.cores() + " cores, flags ["
                + f.cpuFlags() + "], " + f.os() + ", JDK " + f.jdk() + ", " + f.date();
    }

    static String html(String heading, StudyResults results, List<TextTable> tables, Map<String, byte[]> charts) {
        Map<String, Object> scope = new java.util.HashMap<>();
        scope.put("heading", heading);
        scope.put("machines", results.machines().stream().map(StudyReport::machineLine).toList());
        scope.put("anchored", StudyTables.hasAnchor(results));
        scope.put("window", SteadyState.WINDOW);
        scope.put("tolerance", SteadyState.TOLERANCE_PERCENT);
        scope.put("unsettledMark", StudyTables.UNSETTLED);
        StudyTables.openBlasNote(results).ifPresent(note ->
                scope.put("openBlasNote", Map.of("lines", List.of(note.strip().split("\n")))));
        StudyTables.unsettledNote(results).ifPresent(note -> scope.put("unsettledNote", note.strip()));
        scope.put("kernels", results.all().stream().map(m -> m.fingerprint().machine() + " \u00b7 " + m.isaShape()
                + (m.jvmFlags().isEmpty() ? "" : " [" + m.jvmFlags() + "]") + " \u00b7 " + m.precision() + ": "
                + m.kernel()).distinct().toList());
        scope.put("tables", tables.stream().map(TextTable::scope).toList());
        scope.put("charts", charts.entrySet().stream().map(c -> Map.of("name", c.getKey(),
                "base64", Base64.getEncoder().encodeToString(c.getValue()))).toList());
        return HtmlTemplates.render("report", scope);
    }
}

package io.github.trit4j.tools;

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

    /** Writes everything under {@code dir} (created if needed) and prints the tables to {@code out}. */
    public static void write(List<Measurement> measurements, Path dir, String heading, PrintWriter out) throws IOException {
        Files.createDirectories(dir);
        StudyResults results = new StudyResults(measurements);
        List<TextTable> tables = StudyTables.all(results);
        ResultsCsv.write(dir.resolve(CSV), measurements);
        Map<String, byte[]> charts = StudyCharts.render(results);
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
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(TextTable.escape(heading)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:1em 0}")
                .append("caption{font-weight:bold;text-align:left;padding:.3em 0}")
                .append("th,td{border:1px solid #ccc;padding:.25em .6em}th{background:#f3f3f3}")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(TextTable.escape(heading)).append("</h1>\n");
        sb.append("<h2>Machines</h2>\n<ul>\n");
        for (MachineFingerprint f : results.machines()) {
            sb.append("<li>").append(TextTable.escape(machineLine(f))).append("</li>\n");
        }
        sb.append("</ul>\n<p>Speedup = time of fp32 OpenBLAS sgemm / time of the precision, on the same machine, "
                + "workload and threads; GMAC/s = M*N*K / time (K unpadded). Measured with JMH. GEMM workloads: "
                + "operands packed beforehand. Convolution workloads (batch 1, NCHW; M = output channels, N = output "
                + "pixels, K = input channels x kernel area): trit4j's Conv2d on integer codes end to end (im2col onto "
                + "bit-planes, packed GEMM, int32 out); fp32 and int8 as im2col + their GEMM, weights prepared "
                + "beforehand.</p>\n");
        StudyTables.openBlasNote(results).ifPresent(note -> sb.append("<p>").append(TextTable.escape(note.strip())
                .replace("\n", "<br>\n")).append(". An OpenBLAS kernel marked [native core; ... removed] ran in a JVM "
                + "whose environment had those variables removed, so OpenBLAS chose its kernels for this CPU; one "
                + "with (OPENBLAS_CORETYPE=...) in brackets ran on the core the environment forced.</p>\n"));
        sb.append("<p>Kernels that ran:</p>\n<ul>\n");
        results.all().stream().map(m -> m.fingerprint().machine() + " · " + m.isaShape()
                        + (m.jvmFlags().isEmpty() ? "" : " [" + m.jvmFlags() + "]") + " · " + m.precision() + ": " + m.kernel())
                .distinct().forEach(s -> sb.append("<li>").append(TextTable.escape(s)).append("</li>\n"));
        sb.append("</ul>\n<h2>Tables</h2>\n");
        for (TextTable t : tables) {
            sb.append(t.html());
        }
        sb.append("<h2>Charts</h2>\n");
        for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
            sb.append("<figure><img alt=\"").append(TextTable.escape(chart.getKey()))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(chart.getValue()))
                    .append("\"><figcaption>").append(TextTable.escape(chart.getKey())).append("</figcaption></figure>\n");
        }
        return sb.append("</body>\n</html>\n").toString();
    }
}

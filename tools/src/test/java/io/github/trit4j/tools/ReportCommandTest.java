package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {

    /** Two fake machines; the second is twice as fast at FATNN relative to its own OpenBLAS. */
    @Test
    void mergesTheCsvsOfTwoMachines(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        ResultsCsv.write(a, fake("laptop, x86", "Intel Core i7-1185G7", "amd64", 5));
        ResultsCsv.write(b, fake("graviton3", "Neoverse-V1", "aarch64", 2.5));
        Path out = dir.resolve("merged");
        CommandRun r = CommandRun.of("report", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("| machine | ISA shape (kernel) | threads |"), r::toString);
        assertTrue(r.out().contains("| laptop, x86 | native (AVX2) | 1 | 1.00x | 10.00x | 10.00x | 20.00x | 2.00x |"), r::toString);
        assertTrue(r.out().contains("| graviton3 | native (NEON) | 1 | 1.00x | 10.00x | 10.00x | 40.00x | 4.00x |"), r::toString);

        List<Measurement> rows = StudyFiles.check(out);
        assertEquals(16, rows.size());
        assertEquals("laptop, x86", rows.get(0).fingerprint().machine()); // quoted comma survives
        Document html = Jsoup.parse(out.resolve("report.html").toFile(), "UTF-8");
        Element summary = html.select("table").first();
        assertEquals(2, summary.select("tbody tr").size());
        assertTrue(summary.text().contains("graviton3") && summary.text().contains("laptop, x86"), summary.text());
        assertTrue(Files.exists(out.resolve("speedup-graviton3-native-1t.png")));
    }

    /** GEMM and convolution rows: the summary has a row per kind, the detail table a row per workload. */
    @Test
    void gemmAndConvWorkloadsGetTheirOwnSummaryRows(@TempDir Path dir) throws Exception {
        MachineFingerprint f = new MachineFingerprint("box", "Zen 5", "amd64", "avx512f", 2, "Linux 6", "25.0.3", "2026-11-27T09:00:00Z");
        List<Measurement> rows = new ArrayList<>(fake("box", "Zen 5", "amd64", 5));
        var c1 = io.github.trit4j.bench.StudyWorkload.parse("C1");
        rows.add(new Measurement(f, "native", "", "OpenBLAS Zen + im2col", "C1", "CONV", c1.m(), c1.n(), c1.k(),
                "FP32_OPENBLAS", 1, 300, Double.NaN));
        rows.add(new Measurement(f, "native", "", "trit4j AVX2 Conv2d", "C1", "CONV", c1.m(), c1.n(), c1.k(),
                "TERNARY_FATNN", 1, 100, Double.NaN));
        Path csv = dir.resolve("mixed.csv");
        ResultsCsv.write(csv, rows);
        Path out = dir.resolve("o");
        CommandRun r = CommandRun.of("report", csv.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("| native (AVX2) | 1 | GEMM | 1.00x | 10.00x | 10.00x | 20.00x | 2.00x |"), r::toString);
        assertTrue(r.out().contains("| native (AVX2) | 1 | conv | 1.00x | - | - | 3.00x | - |"), r::toString);
        assertTrue(r.out().contains("| C1 conv 64x56x56 3x3 s1 p1 -> 64 (64,3136,576) | 1.00x ("), r::toString);
        assertEquals(10, StudyFiles.check(out).size());
    }

    @Test
    void aFileThatIsNotAStudyCsvFails(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,c\n1,2,3\n");
        CommandRun r = CommandRun.of("report", bad.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("not a trit4j results.csv"), r::toString);
        CommandRun missing = CommandRun.of("report", dir.resolve("nope.csv").toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("no such file"), missing::toString);
        CommandRun directory = CommandRun.of("report", dir.toString());
        assertEquals(2, directory.exitCode(), directory::toString);
        assertTrue(directory.err().contains("is a directory"), directory::toString);
        for (CommandRun each : List.of(r, missing, directory)) {
            assertEquals(1, each.err().lines().count(), each::toString);
            assertTrue(each.err().startsWith("trit4j report: "), each::toString);
        }
    }

    /** S1 and S4 on one machine: OpenBLAS, Vector fp32 (10x), conventional ternary (10x) and FATNN at the given times. */
    private static List<Measurement> fake(String machine, String cpu, String arch, double fatnnUs) {
        MachineFingerprint f = new MachineFingerprint(machine, cpu, arch, "avx2", 8, "Linux 6", "25.0.3", "2026-11-27T09:00:00Z");
        String kernel = arch.equals("amd64") ? "trit4j AVX2" : "trit4j NEON";
        List<Measurement> rows = new ArrayList<>();
        for (String w : List.of("S1", "S4")) {
            var wl = io.github.trit4j.bench.StudyWorkload.parse(w);
            rows.add(m(f, wl, StudyPrecision.FP32_OPENBLAS, 100, "OpenBLAS X"));
            rows.add(m(f, wl, StudyPrecision.FP32_VECTOR, 10, "Vector API 256-bit"));
            rows.add(m(f, wl, StudyPrecision.TERNARY_CONVENTIONAL, 10, kernel));
            rows.add(m(f, wl, StudyPrecision.TERNARY_FATNN, fatnnUs, kernel));
        }
        return rows;
    }

    private static Measurement m(MachineFingerprint f, io.github.trit4j.bench.StudyWorkload w,
                                 StudyPrecision p, double us, String ran) {
        return new Measurement(f, "native", "", ran, w.name(), "GEMM", w.m(), w.n(), w.k(), p.name(), 1, us, Double.NaN);
    }
}

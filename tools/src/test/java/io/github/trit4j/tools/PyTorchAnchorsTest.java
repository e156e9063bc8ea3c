package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PyTorch anchors with fake Pythons (shell scripts): one without torch, one that fails, one that writes the
 * script's JSON; the rows the study files, the table's "not measured" cells, and a whole {@code bench} run of each
 * kind (the real script is tested by tools/torch/tests/test_resnet_anchor.py).
 */
class PyTorchAnchorsTest {

    static final MachineFingerprint F = new MachineFingerprint("box", "AMD EPYC", "amd64", "avx512f", 2, "Linux 6",
            "25.0.3", "2026-12-05T23:00:00Z");

    /** The JSON of resnet_anchor.py for batches 1 and 8 at 1 and 2 threads (int8 batch 1 at 1 thread settles late). */
    static final String JSON = """
            {"torch": "1.13.0", "engine": "onednn", "results": [
             {"mode": "int8", "batch": 1, "threads": 1, "kernel": "PyTorch 1.13.0 int8 FX PTQ, onednn engine",
              "iterations_ms": [20.0, 11.0, 10.0, 10.2, 10.1]},
             {"mode": "int8", "batch": 1, "threads": 2, "kernel": "PyTorch 1.13.0 int8 FX PTQ, onednn engine",
              "iterations_ms": [6.0, 6.0, 6.0]},
             {"mode": "int8", "batch": 8, "threads": 1, "kernel": "PyTorch 1.13.0 int8 FX PTQ, onednn engine",
              "iterations_ms": [80.0, 80.0, 80.0]},
             {"mode": "int8", "batch": 8, "threads": 2, "kernel": "PyTorch 1.13.0 int8 FX PTQ, onednn engine",
              "iterations_ms": [48.0, 48.0, 48.0]},
             {"mode": "fp32", "batch": 1, "threads": 1, "kernel": "PyTorch 1.13.0 fp32 TorchScript frozen",
              "iterations_ms": [36.0, 36.0, 36.0]},
             {"mode": "fp32", "batch": 1, "threads": 2, "kernel": "PyTorch 1.13.0 fp32 TorchScript frozen",
              "iterations_ms": [20.0, 20.0, 20.0]},
             {"mode": "fp32", "batch": 8, "threads": 1, "kernel": "PyTorch 1.13.0 fp32 TorchScript frozen",
              "iterations_ms": [280.0, 280.0, 280.0]},
             {"mode": "fp32", "batch": 8, "threads": 2, "kernel": "PyTorch 1.13.0 fp32 TorchScript frozen",
              "iterations_ms": [150.0, 150.0, 150.0]}]}
            """;

    /** A fake Python: prints its arguments, writes {@link #JSON} where --json says. */
    static Path withTorch(Path dir) throws IOException {
        return fake(dir, "python-with-torch", """
                out=""; prev=""
                for a in "$@"; do if [ "$prev" = "--json" ]; then out="$a"; fi; prev="$a"; done
                echo "fake pytorch: $*"
                cat > "$out" <<'EOF'
                """ + JSON + "EOF\n");
    }

    /** A fake Python that cannot import torch (the script's exit code 3). */
    static Path withoutTorch(Path dir) throws IOException {
        return fake(dir, "python-without-torch", "echo 'resnet_anchor: torch cannot be imported' >&2\nexit 3\n");
    }

    private static Path fake(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static PyTorchAnchors.Outcome run(Path python, StringWriter progress) throws IOException {
        return PyTorchAnchors.run(python, List.of("S1", "resnet18", "resnet18-b8"), List.of(1, 2),
                new int[] {0, 300, 12, 300}, F, IsaShape.NATIVE, new PrintWriter(progress, true));
    }

    @Test
    void rowsFromTheScriptsIterationsByTheStudysRule(@TempDir Path dir) throws IOException {
        StringWriter progress = new StringWriter();
        PyTorchAnchors.Outcome o = run(withTorch(dir), progress);
        assertTrue(o.notMeasured().isEmpty(), o::toString);
        // the script got the study's batches, threads and iterations, and its progress was relayed
        String line = progress.toString();
        assertTrue(line.contains("fake pytorch: "), line);
        assertTrue(line.contains("resnet_anchor.py --modes int8,fp32 --batches 1,8 --threads 1,2 --iterations 12 "
                + "--iteration-ms 300 --json "), line);
        assertEquals(8, o.measurements().size());
        Map<String, Measurement> rows = o.measurements().stream().collect(Collectors.toMap(
                m -> m.precision() + " " + m.workload() + " " + m.threads(), Function.identity()));
        Measurement int8 = rows.get("PYTORCH_INT8 resnet18 1");
        assertEquals(2, int8.warmupIterations()); // 11, 10, 10.2 disagree by 10%; 10, 10.2, 10.1 agree
        assertEquals(3, int8.measuredIterations());
        assertEquals(Boolean.TRUE, int8.settled());
        assertEquals(10_100, int8.microsPerOp(), 1e-6);
        assertEquals("NETWORK", int8.kind());
        assertEquals("native", int8.isaShape());
        assertEquals("PyTorch 1.13.0 int8 FX PTQ, onednn engine", int8.kernel());
        Measurement fp32b8 = rows.get("PYTORCH_FP32 resnet18-b8 2");
        assertEquals(150_000, fp32b8.microsPerOp(), 1e-6);
        assertEquals(List.of(1, 8, 1_814_073_344), List.of(fp32b8.m(), fp32b8.n(), fp32b8.k()));
        assertEquals(8 * 1000 / 150.0, StudyNetwork.imagesPerSecond(fp32b8), 1e-9);
    }

    @Test
    void withoutTorchOrPythonOrOnFailureNothingIsMeasuredAndTheReasonIsGiven(@TempDir Path dir) throws IOException {
        PyTorchAnchors.Outcome none = run(withoutTorch(dir), new StringWriter());
        assertTrue(none.measurements().isEmpty());
        assertTrue(none.notMeasured().orElseThrow().contains("cannot import torch"), none::toString);

        PyTorchAnchors.Outcome missing = run(dir.resolve("no-such-python"), new StringWriter());
        assertTrue(missing.measurements().isEmpty());
        assertTrue(missing.notMeasured().orElseThrow().startsWith("cannot run "), missing::toString);

        PyTorchAnchors.Outcome failed = run(fake(dir, "python-failing", "echo 'Traceback: boom' >&2\nexit 1\n"),
                new StringWriter());
        assertTrue(failed.measurements().isEmpty());
        assertTrue(failed.notMeasured().orElseThrow().contains("exit 1") && failed.notMeasured().get().contains("boom"),
                failed::toString);

        // a script still running at its limit is killed, and says so
        long start = System.nanoTime();
        PyTorchAnchors.Outcome hung = PyTorchAnchors.run(fake(dir, "python-hanging", "echo started\nsleep 120\n"),
                List.of("resnet18"), List.of(1), new int[] {0, 300, 12, 300}, F, IsaShape.NATIVE,
                new PrintWriter(new StringWriter()), java.time.Duration.ofSeconds(1));
        assertTrue(hung.measurements().isEmpty());
        assertTrue(hung.notMeasured().orElseThrow().contains("timed out after 1 s"), hung::toString);
        assertTrue(System.nanoTime() - start < 60e9, "the hanging script was not killed");

        // no network workload: the script is not started
        PyTorchAnchors.Outcome gemmOnly = PyTorchAnchors.run(dir.resolve("no-such-python"), List.of("S1"), List.of(1),
                new int[] {0, 300, 12, 300}, F, IsaShape.NATIVE, new PrintWriter(new StringWriter()));
        assertEquals("no network workload", gemmOnly.notMeasured().orElseThrow());
    }

    /** The jar carries tools/torch/resnet_anchor.py as it is. */
    @Test
    void theScriptIsInTheJar() throws IOException {
        byte[] inJar;
        try (InputStream in = PyTorchAnchors.class.getResourceAsStream(PyTorchAnchors.SCRIPT_RESOURCE)) {
            assertNotNull(in, PyTorchAnchors.SCRIPT_RESOURCE);
            inJar = in.readAllBytes();
        }
        assertArrayEquals(Files.readAllBytes(Path.of("torch", "resnet_anchor.py")), inJar);
    }

    /**
     * The network table: trit4j's rows and PyTorch's side by side per batch and threads, FATNN's speedup over each
     * anchor; without the anchors' rows, their cells say "not measured".
     */
    @Test
    void networkTableCarriesTheAnchorsOrSaysNotMeasured(@TempDir Path dir) throws IOException {
        List<Measurement> trit4j = List.of(
                network(StudyPrecision.TERNARY_FATNN.name(), "resnet18", 1, 1, 5_000),
                network(StudyPrecision.TERNARY_FATNN.name(), "resnet18-b8", 8, 1, 32_000),
                network(StudyPrecision.FP32_OPENBLAS.name(), "resnet18", 1, 1, 72_800));
        List<Measurement> all = new java.util.ArrayList<>(trit4j);
        all.addAll(run(withTorch(dir), new StringWriter()).measurements());
        StudyResults results = new StudyResults(all);
        List<TextTable> tables = StudyNetwork.tables(results);
        assertEquals(1, tables.size());
        TextTable t = tables.get(0);
        assertEquals(List.of("ResNet-18 224x224", "batch 1, 1 thread", "batch 1, 2 threads", "batch 8, 1 thread",
                "batch 8, 2 threads"), t.header());
        Map<String, List<String>> rows = t.rows().stream().collect(Collectors.toMap(r -> r.get(0), r -> r));
        assertEquals(List.of("trit4j ternary FATNN", "5.00 ms, 200.0 img/s", "-", "32.00 ms, 250.0 img/s", "-"),
                rows.get("trit4j ternary FATNN"));
        assertEquals("72.80 ms, 13.7 img/s", rows.get("trit4j fp32 OpenBLAS").get(1));
        assertTrue(rows.get("PyTorch int8").get(1).startsWith("10.10 \u00b1 "), rows::toString);
        assertTrue(rows.get("PyTorch int8").get(1).endsWith(" ms, 99.0 img/s"), rows::toString);
        assertEquals("80.00 \u00b1 0.00 ms, 100.0 img/s", rows.get("PyTorch int8").get(3));
        assertEquals("280.00 \u00b1 0.00 ms, 28.6 img/s", rows.get("PyTorch fp32").get(3));
        assertEquals(List.of("FATNN speedup over PyTorch int8", "2.02x", "-", "2.50x", "-"),
                rows.get("FATNN speedup over PyTorch int8"));
        assertEquals("8.75x", rows.get("FATNN speedup over PyTorch fp32").get(3));
        assertTrue(t.markdown().contains("| PyTorch fp32 | 36.00 "), t::markdown);
        assertTrue(StudyCharts.render(results).containsKey("network-native.png"));

        TextTable without = StudyNetwork.tables(new StudyResults(trit4j)).get(0);
        assertEquals(List.of("ResNet-18 224x224", "batch 1, 1 thread", "batch 8, 1 thread"), without.header());
        Map<String, List<String>> rows2 = without.rows().stream().collect(Collectors.toMap(r -> r.get(0), r -> r));
        assertEquals(List.of("PyTorch int8", "not measured", "not measured"), rows2.get("PyTorch int8"));
        assertEquals(List.of("PyTorch fp32", "not measured", "not measured"), rows2.get("PyTorch fp32"));
        assertFalse(rows2.containsKey("FATNN speedup over PyTorch int8"));
        // no network measurement, no network table
        assertTrue(StudyNetwork.tables(new StudyResults(List.of(new Measurement(F, "native", "", "trit4j AVX512",
                "S1", "GEMM", 64, 3136, 576, "TERNARY_FATNN", 1, 100, 1)))).isEmpty());
    }

    private static Measurement network(String precision, String workload, int batch, int threads, double micros) {
        return new Measurement(F, "native", "", "trit4j AVX512 network", workload, "NETWORK", 1, batch, 1_814_073_344,
                precision, threads, micros, Double.NaN);
    }

    /**
     * A whole bench run without torch: the study runs (FATNN measured by JMH), exits 0, says why the anchors were not
     * measured, and the network table marks their rows.
     */
    @Test
    void benchRunsWithoutTorch(@TempDir Path dir) throws Exception {
        String before = System.getProperty(PyTorchAnchors.PYTHON_PROPERTY);
        System.setProperty(PyTorchAnchors.PYTHON_PROPERTY, withoutTorch(dir).toString());
        try {
            CommandRun r = CommandRun.of("bench", "--quick", "--workloads", "resnet18-b1", "--precisions",
                    "TERNARY_FATNN,PYTORCH", "--threads", "1", "--time-to-peak-jvms", "0", "--out",
                    dir.resolve("out").toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().contains("PyTorch anchors not measured: " + withoutTorch(dir) + " cannot import torch"),
                    r::toString);
            assertTrue(r.out().contains("| PyTorch int8 | not measured |"), r::toString);
            assertTrue(r.out().contains("| trit4j ternary FATNN | "), r::toString);
            List<Measurement> rows = ResultsCsv.read(dir.resolve("out").resolve(StudyReport.CSV));
            assertEquals(List.of("TERNARY_FATNN"), rows.stream().map(Measurement::precision).toList());
        } finally {
            restore(before);
        }
    }

    /**
     * A whole bench run of the anchors alone with a fake Python that has torch: their rows in results.csv and the
     * network table of the console and report.html; not given --precisions PYTORCH (or all), no Python runs.
     */
    @Test
    void benchRunsTheAnchorsBesideTheStudy(@TempDir Path dir) throws Exception {
        String before = System.getProperty(PyTorchAnchors.PYTHON_PROPERTY);
        System.setProperty(PyTorchAnchors.PYTHON_PROPERTY, withTorch(dir).toString());
        try {
            Path out = dir.resolve("out");
            CommandRun r = CommandRun.of("bench", "--quick", "--workloads", "resnet18", "--precisions", "pytorch",
                    "--threads", "1,2", "--time-to-peak-jvms", "0", "--out", out.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().contains("fake pytorch: "), r::toString);
            assertTrue(r.out().contains("--iterations 4 --iteration-ms 200"), r::toString); // --quick's timing
            List<Measurement> rows = ResultsCsv.read(out.resolve(StudyReport.CSV));
            assertEquals(8, rows.size());
            assertTrue(rows.stream().allMatch(m -> m.precision().startsWith("PYTORCH_")), rows::toString);
            assertTrue(r.out().contains("| PyTorch fp32 | 36.00 \u00b1 0.00 ms, 27.8 img/s |"), r::toString);
            String html = Files.readString(out.resolve(StudyReport.HTML), StandardCharsets.UTF_8);
            assertTrue(html.contains("ResNet-18 whole network"), "network table in report.html");
            assertTrue(Files.isRegularFile(out.resolve("network-native.png")));

            for (List<String> args : List.of(List.of("bench"), List.of("bench", "--precisions", "all"),
                    List.of("bench", "--precisions", "TERNARY_FATNN,PyTorch"),
                    List.of("bench", "--precisions", "TERNARY_FATNN"))) {
                picocli.CommandLine cmd = Trit4jCommand.commandLine();
                cmd.parseArgs(args.toArray(String[]::new));
                BenchCommand bench = cmd.getSubcommands().get("bench").getCommand();
                assertEquals(!args.contains("TERNARY_FATNN"), bench.withPyTorch(), args::toString);
                assertFalse(bench.plan().precisions().isEmpty());
            }
        } finally {
            restore(before);
        }
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(PyTorchAnchors.PYTHON_PROPERTY);
        } else {
            System.setProperty(PyTorchAnchors.PYTHON_PROPERTY, before);
        }
    }
}

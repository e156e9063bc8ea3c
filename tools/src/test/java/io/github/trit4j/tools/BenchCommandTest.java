package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    /**
     * One real quick run: two precisions on a small GEMM and a small convolution, JMH in forked JVMs (a few seconds
     * each). Where this environment forces an OpenBLAS core, the anchor runs in a child JVM without it.
     */
    @Test
    void quickRunWritesTheCsvTheReportAndTheCharts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        String conv = "conv8x10x10o16k3s1p1";
        CommandRun r = CommandRun.of("bench", "--quick", "--workloads", "64x64x1024," + conv,
                "--precisions", "FP32_OPENBLAS,TERNARY_FATNN", "--threads", "1", "--label", "test-machine",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        int libraries = io.github.trit4j.bench.OpenBlas.availableSources().size();
        int total = 2 + 2 * libraries;
        for (String line : List.of("native 64x64x1024 FP32_OPENBLAS (bytedeco) 1t:", "native 64x64x1024 TERNARY_FATNN 1t:",
                "native " + conv + " FP32_OPENBLAS (bytedeco) 1t:", "native " + conv + " TERNARY_FATNN 1t:",
                "[" + total + "/" + total + "] native ", "INDICATIVE ONLY", "[ttp 1/4] native 64x64x1024", "[ttp 2/4] native 64x64x1024 (warm-up first): warm-up ")) {
            assertTrue(r.out().contains(line), () -> line + "\n" + r);
        }
        assertTrue(r.out().contains("| ISA shape (kernel) | threads | workloads | fp32 OpenBLAS | ternary FATNN |"), r::toString);
        assertTrue(r.out().contains("| conv 8x10x10 3x3 s1 p1 -> 16 (16,100,72) | 1.00x ("), r::toString);
        List<Measurement> rows = StudyFiles.check(out);
        assertEquals(total, rows.size());
        for (Measurement m : rows) {
            assertEquals("test-machine", m.fingerprint().machine());
            assertEquals("native", m.isaShape());
            assertTrue(m.microsPerOp() > 0 && m.gmacs() > 0, m::toString);
            assertFalse(m.fingerprint().cpuModel().isBlank());
            assertEquals(m.workload().equals(conv) ? "CONV" : "GEMM", m.kind());
        }
        Measurement convFatnn = rows.stream().filter(m -> m.workload().equals(conv) && m.precision().equals("TERNARY_FATNN"))
                .findFirst().orElseThrow();
        assertEquals(List.of(16, 100, 72), List.of(convFatnn.m(), convFatnn.n(), convFatnn.k()));
        assertTrue(convFatnn.kernel().startsWith("trit4j ") && convFatnn.kernel().endsWith(" Conv2d"), convFatnn::toString);
        List<Measurement> blas = rows.stream().filter(m -> m.precision().equals("FP32_OPENBLAS")).toList();
        assertEquals(2 * libraries, blas.size());
        // every figure records its warm-up; time to peak only on the FATNN rows (1 thread, native)
        for (Measurement m : rows) {
            assertTrue(m.warmupIterations() >= 0 && m.measuredIterations() >= 1 && m.settled() != null, m::toString);
            assertEquals(m.precision().equals("TERNARY_FATNN"), !Double.isNaN(m.timeToPeakMillis()), m::toString);
            assertEquals(m.precision().equals("TERNARY_FATNN"), !Double.isNaN(m.warmUpMillis()), m::toString);
            assertEquals(m.precision().equals("TERNARY_FATNN"), m.timeToPeakSettled() != null, m::toString);
        }
        assertTrue(r.out().contains("**Time to peak: from the first call in a fresh JVM"), r::toString);
        String forced = io.github.trit4j.bench.OpenBlas.forcingEnvironment();
        for (Measurement m : blas) {
            assertTrue(m.kernel().startsWith("OpenBLAS "), m::toString);
            assertFalse(m.kernel().contains("(OPENBLAS_"), m::toString); // the anchor never runs on a forced core
            if (!forced.isEmpty()) {
                assertTrue(m.kernel().contains("[native core; " + forced + " removed]"), m::toString);
            }
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("OpenBLAS"));
        // a --quick report says so in its title and first heading
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(html);
        assertTrue(doc.title().contains("INDICATIVE"), doc::title);
        assertTrue(doc.selectFirst("h1").text().contains("INDICATIVE"), () -> doc.selectFirst("h1").text());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        for (String[] args : List.of(
                new String[] {"bench", "--isa", "sse"},
                new String[] {"bench", "--workloads", "S9"},
                new String[] {"bench", "--threads", "0"},
                new String[] {"bench", "--precisions", "FP16"},
                new String[] {"gemm", "--m", "4", "--n", "4"},
                new String[] {"gemm", "--m", "0", "--n", "4", "--k", "4"},
                new String[] {"bench", "--precisions", "FP32_OPENBLAS_ENV"},
                new String[] {"bench", "--openblas-core", "haswell"},
                new String[] {"bench", "--conv-threads", "x"},
                new String[] {"bench", "--workloads", "conv4x2x2o4k5s1p0"},
                new String[] {"bench", "--workloads", "resnet18", "--precisions", "INT8,BINARY"},
                new String[] {"conv", "--channels", "4", "--height", "2", "--out-channels", "4", "--kernel", "5", "--pad", "0"},
                new String[] {"conv", "--channels", "0", "--height", "8", "--out-channels", "4"},
                new String[] {"conv", "--height", "8", "--out-channels", "4"},
                new String[] {"conv", "--channels", "4", "--height", "8", "--out-channels", "4", "--stride", "0"},
                new String[] {"gemm", "--m", "4", "--n", "4", "--k", "4", "--precisions", "FP16"},
                new String[] {"steady-modes", "--precisions", "FP16"},
                new String[] {"steady-modes", "--bar", "NaN"},
                new String[] {"steady-modes", "--seconds", "NaN"},
                new String[] {"aot-train", "--seconds", "-1"},
                new String[] {"report"},
                new String[] {"time-to-peak", "--workloads", "S9"},
                new String[] {"time-to-peak", "--jvms", "0"},
                new String[] {"time-to-peak", "--seconds", "0"})) {
            CommandRun r = CommandRun.of(args);
            assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
            assertFalse(r.err().isBlank(), r::toString);
            assertEquals(1, r.err().lines().count(), () -> "one line: " + r);
        }
    }

    /**
     * {@code bench} with no options is the short study (a few minutes on 2 cores): S2, S4, C3 and resnet18 at 1
     * thread in fp32 OpenBLAS, int8, conventional ternary and FATNN, time to peak in one JVM per mode.
     */
    @Test
    void theDefaultIsTheShortStudy() {
        picocli.CommandLine cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench");
        BenchCommand bench = cmd.getSubcommands().get("bench").getCommand();
        StudyPlan plan = bench.plan();
        assertEquals(List.of("S2", "S4", "C3", "resnet18"), plan.workloads()); // resnet18-b1 is the network at batch 1
        List<StudyPrecision> precisions = List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.INT8,
                StudyPrecision.TERNARY_CONVENTIONAL, StudyPrecision.TERNARY_FATNN);
        assertEquals(precisions, plan.precisions());
        assertEquals(precisions, plan.convPrecisions());
        assertEquals(List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.TERNARY_CONVENTIONAL,
                StudyPrecision.TERNARY_FATNN), plan.networkPrecisions());
        assertEquals(List.of(IsaShape.NATIVE), plan.shapes());
        assertEquals(List.of(1), plan.threads());
        assertEquals(List.of(1), plan.convThreads());
        int libs = plan.openBlasLibraries().size(); // the anchor runs once per OpenBLAS library
        // S2, S4, C3 in one run (same threads and precisions), resnet18 in its own
        assertEquals(3 * (3 + libs) + (2 + libs), plan.size());
        assertFalse(plan.indicative());
        assertEquals(1, BenchCommand.SHORT_TIME_TO_PEAK_JVMS);
    }

    /** {@code bench --full} is the whole study; an explicit option still wins. */
    @Test
    void fullIsTheWholeStudy() {
        picocli.CommandLine cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench", "--full");
        StudyPlan plan = ((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan();
        // resnet18 is the network at batch 1 and 8
        assertEquals(List.of("S1", "S2", "S3", "S4", "Q1", "L1", "C1", "C2", "C3", "C4", "resnet18", "resnet18-b8"),
                plan.workloads());
        assertEquals(8, plan.precisions().size());
        assertFalse(plan.precisions().contains(StudyPrecision.FP32_OPENBLAS_ENV));
        assertEquals(List.of(IsaShape.NATIVE), plan.shapes());
        assertTrue(plan.threads().contains(1));
        assertEquals(plan.threads().contains(2) || Runtime.getRuntime().availableProcessors() == 1
                ? plan.threads().size() : -1, plan.threads().size());
        // the time budget: convolutions at 1 thread, five precisions
        assertEquals(List.of(1), plan.convThreads());
        assertEquals(List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.FP32_VECTOR, StudyPrecision.INT8,
                StudyPrecision.TERNARY_CONVENTIONAL, StudyPrecision.TERNARY_FATNN), plan.convPrecisions());
        assertEquals(OpenBlasCore.NATIVE, plan.openBlasCore());
        int libs = plan.openBlasLibraries().size();
        // resnet18 at the GEMM thread counts in fp32 Vector API, the three ternary modes and the anchor
        assertEquals(List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.FP32_VECTOR,
                StudyPrecision.TERNARY_CONVENTIONAL, StudyPrecision.TERNARY_FATNN, StudyPrecision.TERNARY_TWO_BIT),
                plan.networkPrecisions());
        assertEquals(6 * (7 + libs) * plan.threads().size() + 4 * (4 + libs) + 2 * (4 + libs) * plan.threads().size(),
                plan.size());
        assertFalse(plan.indicative());

        cmd.parseArgs("bench", "--full", "--workloads", "S1", "--threads", "1");
        StudyPlan narrowed = ((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan();
        assertEquals(List.of("S1"), narrowed.workloads());
        assertEquals(List.of(1), narrowed.threads());
        assertEquals(8, narrowed.precisions().size());

        cmd.parseArgs("bench", "--quick");
        StudyPlan quick = ((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan();
        assertEquals(List.of("S4"), quick.workloads());
        assertEquals(7 + quick.openBlasLibraries().size(), quick.size());
        assertTrue(quick.indicative());
    }

    /**
     * The network workload gets its own JMH run, at the GEMM thread counts, in the precisions a
     * network has (int8 and binary dropped), the anchor in its clean-environment JVM when forced.
     */
    @Test
    void networkWorkloadsRunAtTheStudyThreadCountsInTheirPrecisions() {
        List<StudyPrecision> p = List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.INT8, StudyPrecision.TERNARY_FATNN,
                StudyPrecision.BINARY);
        List<String> libs = List.of("bytedeco");
        StudyPlan plan = new StudyPlan(List.of("S1", "resnet18", "C1"), p, List.of(IsaShape.NATIVE), List.of(1, 2),
                List.of(1), p, OpenBlasCore.NATIVE, "OPENBLAS_CORETYPE=Haswell", 0, 1, 1, 1, libs);
        assertEquals(List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.TERNARY_FATNN), plan.networkPrecisions());
        List<StudyPlan.Batch> network = plan.batches().stream().filter(b -> b.workloads().contains("resnet18")).toList();
        assertEquals(List.of(
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("resnet18"), List.of(StudyPrecision.FP32_OPENBLAS), List.of(1, 2), true, libs),
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("resnet18"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1, 2), false)),
                network);
        assertTrue(plan.batches().stream().allMatch(b -> b.workloads().equals(List.of("resnet18"))
                || !b.workloads().contains("resnet18")));
        assertEquals(2 * 4 + 4 + 2 * 2, plan.size());
    }

    /**
     * A real quick run of the resnet18 workload at batch 1 (resnet18-b1), fp32 OpenBLAS against FATNN at 1 thread: a
     * NETWORK row per measurement with the network's MACs, and the speedup in the report.
     */
    @Test
    void quickResnet18RunReportsTheNetworkSpeedup(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        CommandRun r = CommandRun.of("bench", "--quick", "--workloads", "resnet18-b1", "--precisions",
                "FP32_OPENBLAS,TERNARY_FATNN", "--threads", "1", "--time-to-peak-jvms", "0", "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("native resnet18 TERNARY_FATNN 1t:"), r::toString);
        assertTrue(r.out().contains("| resnet18 network 3x224x224 batch 1 (1.81 GMAC) | 1.00x ("), r::toString);
        List<Measurement> rows = StudyFiles.check(out);
        int libraries = io.github.trit4j.bench.OpenBlas.availableSources().size();
        assertEquals(1 + libraries, rows.size());
        for (Measurement m : rows) {
            assertEquals("NETWORK", m.kind());
            assertEquals(List.of(1, 1, 1_814_073_344), List.of(m.m(), m.n(), m.k()));
            assertTrue(m.microsPerOp() > 0, m::toString);
            assertTrue(m.precision().equals("FP32_OPENBLAS") ? m.kernel().startsWith("OpenBLAS ")
                    : m.kernel().startsWith("trit4j ") && m.kernel().contains("fatnn blocks"), m::toString);
        }
    }

    /** Which JMH runs a plan makes, and in which environment OpenBLAS runs, for each --openblas-core. */
    @Test
    void openBlasRunsOnTheNativeCoreInItsOwnJvmWhenTheEnvironmentForcesOne() {
        List<StudyPrecision> p = List.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.TERNARY_FATNN);
        List<IsaShape> shapes = List.of(IsaShape.NATIVE, IsaShape.NEON);
        List<String> libs = List.of("bytedeco", "system");
        StudyPlan forced = new StudyPlan(List.of("S1", "C1"), p, shapes, List.of(1, 2), List.of(1), p,
                OpenBlasCore.NATIVE, "OPENBLAS_CORETYPE=Haswell", 0, 1, 1, 1, libs);
        assertTrue(forced.anchorInCleanEnv());
        assertEquals(List.of(
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1"), List.of(StudyPrecision.FP32_OPENBLAS), List.of(1, 2), true, libs),
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1, 2), false),
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("C1"), List.of(StudyPrecision.FP32_OPENBLAS), List.of(1), true, libs),
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("C1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1), false),
                new StudyPlan.Batch(IsaShape.NEON, List.of("S1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1, 2), false),
                new StudyPlan.Batch(IsaShape.NEON, List.of("C1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1), false)),
                forced.batches());
        // OpenBLAS once per library
        assertEquals(2 * 2 + 2 + 1 * 2 + 1 + 2 + 1, forced.size());

        StudyPlan both = forced.withOpenBlasCore(OpenBlasCore.BOTH);
        assertEquals(new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1"),
                List.of(StudyPrecision.FP32_OPENBLAS_ENV), List.of(1, 2), false, libs), both.batches().get(1));
        assertEquals(new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1"),
                List.of(StudyPrecision.TERNARY_FATNN), List.of(1, 2), false), both.batches().get(2));
        assertEquals(forced.size() + 3 * 2, both.size());

        StudyPlan env = forced.withOpenBlasCore(OpenBlasCore.ENV);
        assertFalse(env.anchorInCleanEnv());
        assertTrue(env.batches().stream().noneMatch(StudyPlan.Batch::cleanOpenBlasEnv));
        assertEquals(forced.size(), env.size());

        // nothing forced: no child JVM, no env run; OpenBLAS in its own JMH run (per library), the rest in one
        StudyPlan free = new StudyPlan(List.of("S1", "C1"), p, shapes, List.of(1), List.of(1), p,
                OpenBlasCore.BOTH, "", 0, 1, 1, 1, List.of("bytedeco"));
        assertEquals(List.of(
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1", "C1"), List.of(StudyPrecision.FP32_OPENBLAS), List.of(1), false,
                        List.of("bytedeco")),
                new StudyPlan.Batch(IsaShape.NATIVE, List.of("S1", "C1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1), false),
                new StudyPlan.Batch(IsaShape.NEON, List.of("S1", "C1"), List.of(StudyPrecision.TERNARY_FATNN), List.of(1), false)),
                free.batches());
    }

    /** bench, gemm and conv speak verify's --isa vocabulary (any case). */
    @Test
    void isaTakesTheKernelShapeNames() {
        picocli.CommandLine cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench", "--isa", "SCALAR,neon");
        assertEquals(List.of(IsaShape.NEON, IsaShape.SCALAR),
                ((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan().shapes());
        cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench", "--isa", "all");
        assertFalse(((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan().shapes()
                .contains(IsaShape.SCALAR));
        cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench", "--isa", "avx512");
        if (io.github.trit4j.Gemm.engine().isa() == io.github.trit4j.Isa.AVX512) {
            assertEquals(List.of(IsaShape.NATIVE), ((BenchCommand) cmd.getSubcommands().get("bench").getCommand()).plan().shapes());
        } else {
            picocli.CommandLine c = cmd;
            assertThrows(picocli.CommandLine.ParameterException.class,
                    () -> ((BenchCommand) c.getSubcommands().get("bench").getCommand()).plan());
        }
    }

    @Test
    void helpListsTheStudyOptions() {
        CommandRun r = CommandRun.of("bench", "--help");
        assertEquals(0, r.exitCode());
        for (String option : List.of("--quick", "--full", "--isa", "--threads", "--out", "--workloads", "--precisions",
                "--conv-threads", "--conv-precisions", "--openblas-core", "--time-to-peak-jvms",
                "--no-aot-train")) {
            assertTrue(r.out().contains(option), option);
        }
    }
}

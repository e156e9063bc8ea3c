package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    /** One real quick run: two precisions on a small GEMM, JMH in forked JVMs (a few seconds each). */
    @Test
    void quickRunWritesTheCsvTheReportAndTheCharts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        CommandRun r = CommandRun.of("bench", "--quick", "--workloads", "64x64x1024",
                "--precisions", "FP32_OPENBLAS,TERNARY_FATNN", "--threads", "1", "--label", "test-machine",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("[1/2] native 64x64x1024 FP32_OPENBLAS 1t:"), r::toString);
        assertTrue(r.out().contains("[2/2] native 64x64x1024 TERNARY_FATNN 1t:"), r::toString);
        assertTrue(r.out().contains("| ISA shape (kernel) | threads | fp32 OpenBLAS | ternary FATNN |"), r::toString);
        List<Measurement> rows = StudyFiles.check(out);
        assertEquals(2, rows.size());
        for (Measurement m : rows) {
            assertEquals("test-machine", m.fingerprint().machine());
            assertEquals("native", m.isaShape());
            assertTrue(m.microsPerOp() > 0 && m.gmacs() > 0, m::toString);
            assertFalse(m.fingerprint().cpuModel().isBlank());
        }
        assertTrue(rows.stream().anyMatch(m -> m.kernel().startsWith("OpenBLAS ")), rows::toString);
        assertTrue(rows.stream().anyMatch(m -> m.kernel().startsWith("trit4j ")), rows::toString);
        assertTrue(Files.readString(out.resolve("report.html")).contains("OpenBLAS"));
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
                new String[] {"report"})) {
            CommandRun r = CommandRun.of(args);
            assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
            assertFalse(r.err().isBlank(), r::toString);
        }
    }

    @Test
    void defaultsAreTheStudy() {
        picocli.CommandLine cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("bench");
        BenchCommand bench = cmd.getSubcommands().get("bench").getCommand();
        StudyPlan plan = bench.plan();
        assertEquals(List.of("S1", "S2", "S3", "S4", "Q1", "L1"), plan.workloads());
        assertEquals(8, plan.precisions().size());
        assertEquals(List.of(IsaShape.NATIVE), plan.shapes());
        assertTrue(plan.threads().contains(1));
        assertEquals(plan.threads().contains(2) || Runtime.getRuntime().availableProcessors() == 1
                ? plan.threads().size() : -1, plan.threads().size());
    }

    @Test
    void helpListsTheStudyOptions() {
        CommandRun r = CommandRun.of("bench", "--help");
        assertEquals(0, r.exitCode());
        for (String option : List.of("--quick", "--isa", "--threads", "--out", "--workloads", "--precisions")) {
            assertTrue(r.out().contains(option), option);
        }
    }
}

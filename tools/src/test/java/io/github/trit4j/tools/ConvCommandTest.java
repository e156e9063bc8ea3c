package io.github.trit4j.tools;

import io.github.trit4j.bench.OpenBlas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvCommandTest {

    @Test
    void timesOneConvolutionAndPrintsItsTable() {
        CommandRun r = CommandRun.of("conv", "--channels", "8", "--height", "10", "--width", "9", "--out-channels",
                "16", "--kernel", "3", "--stride", "2", "--pad", "1", "--precisions", "TERNARY_FATNN", "--threads", "1", "--quick");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("[1/1] native conv8x10x9o16k3s2p1 TERNARY_FATNN 1t:"), r::toString);
        assertTrue(r.out().contains("| conv 8x10x9 3x3 s2 p1 -> 16 (16,25,72) | ("), r::toString);
    }

    /**
     * The size options have long names only: {@code -h} is help, and {@code conv -h 56} is not taken for a height
     * (it used to clash with {@code --h}); the old one-letter names are gone.
     */
    @Test
    void sizeOptionsDoNotClashWithHelp() {
        CommandRun help = CommandRun.of("conv", "-h");
        assertEquals(0, help.exitCode(), help::toString);
        for (String option : List.of("--channels", "--height", "--width", "--out-channels", "--precisions")) {
            assertTrue(help.out().contains(option), () -> option + "\n" + help);
        }
        picocli.CommandLine cmd = Trit4jCommand.commandLine();
        cmd.parseArgs("conv", "--channels", "4", "--height", "56", "--out-channels", "8");
        ConvCommand conv = cmd.getSubcommands().get("conv").getCommand();
        assertEquals(List.of(4, 56, 8), List.of(conv.c, conv.h, conv.o));
        for (String old : List.of("--c", "--h", "--w", "--o", "--pair")) {
            CommandRun r = CommandRun.of("conv", "--channels", "4", "--height", "8", "--out-channels", "4", old, "4");
            assertEquals(2, r.exitCode(), () -> old + "\n" + r);
        }
    }

    /**
     * {@code --openblas-core both}: the anchor on the CPU's own core and, where this environment forces a core,
     * a second, labelled OpenBLAS run on it; the report is written and valid.
     */
    @Test
    void openBlasBothCoresAreLabelled(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("conv");
        CommandRun r = CommandRun.of("conv", "--channels", "8", "--height", "10", "--out-channels", "16",
                "--precisions", "FP32_OPENBLAS",
                "--openblas-core", "both", "--quick", "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        List<Measurement> rows = StudyFiles.check(out);
        String forced = OpenBlas.forcingEnvironment();
        // once per OpenBLAS library (bytedeco's, the system's where installed), per core
        int libraries = OpenBlas.availableSources().size();
        assertEquals((forced.isEmpty() ? 1 : 2) * libraries, rows.size(), rows::toString);
        Measurement anchor = rows.stream().filter(m -> m.precision().equals("FP32_OPENBLAS")).findFirst().orElseThrow();
        assertEquals("CONV", anchor.kind());
        assertTrue(anchor.kernel().startsWith("OpenBLAS ") && anchor.kernel().contains("+ im2col"), anchor::toString);
        assertFalse(anchor.kernel().contains("(OPENBLAS_"), anchor::toString);
        assertTrue(r.out().contains("fp32 OpenBLAS ran: OpenBLAS "), r::toString);
        if (!forced.isEmpty()) {
            Measurement env = rows.stream().filter(m -> m.precision().equals("FP32_OPENBLAS_ENV")).findFirst().orElseThrow();
            assertTrue(env.kernel().contains("; " + forced + ")"), env::toString);
            assertTrue(anchor.kernel().contains("[native core; " + forced + " removed]"), anchor::toString);
            assertTrue(r.out().contains("| fp32 OpenBLAS | fp32 OpenBLAS, env-forced core |"), r::toString);
        }
    }
}

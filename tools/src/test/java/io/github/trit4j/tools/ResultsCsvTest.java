package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsCsvTest {

    private static final MachineFingerprint F = new MachineFingerprint("lab, \"rack 2\"", "AMD EPYC", "amd64",
            "avx2 avx512f", 2, "Linux", "25", "2026-11-30T00:00:00Z");

    @Test
    void roundTripKeepsQuotesCommasAndTheNewColumns() throws Exception {
        Measurement m = new Measurement(F, "native", "-XX:UseAVX=2", "OpenBLAS 0.3.21 Cooperlake (system), \"x\"", "S1",
                "GEMM", 64, 3136, 576, "FP32_OPENBLAS", 1, 1234.5, 12.25, 2, 10, Boolean.FALSE, 250.0,
                Double.POSITIVE_INFINITY, 40.0, 900.0, Boolean.FALSE);
        Path csv = Files.createTempFile("results", ".csv");
        try {
            ResultsCsv.write(csv, List.of(m));
            List<Measurement> back = ResultsCsv.read(csv);
            assertEquals(1, back.size());
            Measurement r = back.get(0);
            assertEquals(m.kernel(), r.kernel());
            assertEquals(m.fingerprint().machine(), r.fingerprint().machine());
            assertEquals(2, r.warmupIterations());
            assertEquals(10, r.measuredIterations());
            assertEquals(Boolean.FALSE, r.settled());
            assertEquals(250.0, r.timeToPeakMillis(), 1e-9);
            assertTrue(Double.isInfinite(r.timeToPeakAotMillis()));
            assertEquals(40.0, r.timeToPeakWarmMillis(), 1e-9);
            assertEquals(900.0, r.warmUpMillis(), 1e-9);
            assertEquals(Boolean.FALSE, r.timeToPeakSettled());
            assertEquals(1234.5, r.microsPerOp(), 1e-9);
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    /** A results.csv of an earlier trit4j (no warm-up or time-to-peak columns) still merges. */
    @Test
    void anOlderCsvReadsWithTheNewColumnsUnrecorded(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("old.csv");
        Files.writeString(csv, String.join(",", Measurement.COLUMNS.subList(0, 21)) + "\n"
                + "2026-11-27,m,cpu,amd64,avx2,2,Linux,25,native,,trit4j AVX512,S1,GEMM,64,3136,576,TERNARY_FATNN,1,"
                + "170.0,3.5,678.5\n", StandardCharsets.UTF_8);
        Measurement r = ResultsCsv.read(csv).get(0);
        assertEquals(-1, r.warmupIterations());
        assertNull(r.settled());
        assertTrue(Double.isNaN(r.timeToPeakMillis()));
        assertEquals(170.0, r.microsPerOp(), 1e-9);
    }

    @Test
    void aFileWithoutTheStudyColumnsIsRejectedByName(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "a,b\n1,2\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsCsv.read(csv));
        assertTrue(e.getMessage().contains("other.csv") && e.getMessage().contains("missing"), e.getMessage());
    }
}

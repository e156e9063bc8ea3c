package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The charts' error bars: the speedup's error from JMH's two errors, and charts with and without errors render. */
class StudyChartsTest {

    private static final MachineFingerprint MACHINE = new MachineFingerprint("m", "cpu", "amd64", "avx2", 2, "Linux",
            "25", "2026-12-06");

    private static Measurement row(String workload, StudyPrecision p, double micros, double error) {
        return new Measurement(MACHINE, "native", "", "k", workload, "GEMM", 64, 64, 1024, p.name(), 1, micros, error);
    }

    @Test
    void speedupErrorAddsTheRelativeErrorsInQuadrature() {
        StudyResults r = new StudyResults(List.of(row("S1", StudyPrecision.FP32_OPENBLAS, 100, 3),
                row("S1", StudyPrecision.TERNARY_FATNN, 25, 1)));
        StudyResults.Group g = r.groups().get(0);
        assertEquals(4.0, r.speedup(g, "S1", StudyPrecision.TERNARY_FATNN).getAsDouble(), 1e-12);
        assertEquals(4.0 * Math.hypot(0.03, 0.04), r.speedupError(g, "S1", StudyPrecision.TERNARY_FATNN).getAsDouble(),
                1e-12);
        assertTrue(r.speedupError(g, "S2", StudyPrecision.TERNARY_FATNN).isEmpty());
        assertEquals(r.geomeanGmacs(g, StudyPrecision.TERNARY_FATNN).getAsDouble() * 0.04,
                r.geomeanGmacsError(g, StudyPrecision.TERNARY_FATNN).getAsDouble(), 1e-9);
    }

    @Test
    void chartsRenderWithUnknownErrorsAndSayIndicative() {
        StudyResults r = new StudyResults(List.of(row("S1", StudyPrecision.FP32_OPENBLAS, 100, Double.NaN),
                row("S1", StudyPrecision.TERNARY_FATNN, 25, 30), row("S2", StudyPrecision.FP32_OPENBLAS, 100, 1),
                row("S2", StudyPrecision.TERNARY_FATNN, 50, 0.5)));
        for (boolean indicative : new boolean[] {false, true}) {
            Map<String, byte[]> charts = StudyCharts.render(r, indicative);
            assertEquals(List.of("speedup-native-1t.png", "throughput-1t.png"), List.copyOf(charts.keySet()));
            for (byte[] png : charts.values()) {
                assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
            }
        }
    }
}

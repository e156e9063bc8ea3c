package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-to-peak arithmetic on made-up call timings (no clock involved). */
class TimeToPeakTest {

    private static final StudyWorkload W = StudyWorkload.parse("S1");

    /** Call end times: {@code slow} calls of {@code slowMs} each, then fast calls of 1 ms until {@code totalMs}. */
    private static long[] ends(int slow, long slowMs, long totalMs) {
        java.util.List<Long> e = new java.util.ArrayList<>();
        long t = 0;
        for (int i = 0; i < slow; i++) {
            t += slowMs * 1_000_000L;
            e.add(t);
        }
        while (t < totalMs * 1_000_000L) {
            t += 1_000_000L;
            e.add(t);
        }
        return e.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void peakIsWhereTheCallsReachNinetyPercentOfTheSteadyRate() {
        TimeToPeak.Result r = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(4, 100, 2000));
        assertEquals(100, r.firstCallMillis(), 1e-9);
        // the fourth slow call ends at 400 ms; the calls after it run at the steady 1 ms
        assertEquals(400, r.timeToPeakMillis(), 1e-9);
        assertEquals(W.macs() / 1e6, r.steadyGmacs(), 1e-6); // one product per ms
        assertTrue(r.calls() > 1500);
        assertEquals(4, r.series().length);
    }

    @Test
    void aRunThatIsFastFromTheStartPeaksAtTheFirstCall() {
        TimeToPeak.Result r = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(0, 0, 1000));
        assertEquals(1, r.timeToPeakMillis(), 1e-9);
    }

    @Test
    void aRunTooShortForAWindowNeverPeaks() {
        TimeToPeak.Result r = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(3, 100, 0));
        assertTrue(Double.isNaN(r.timeToPeakMillis()));
    }

    @Test
    void aResultWithItsReferenceSurvivesTheJsonLineTheDriverReads() throws Exception {
        TimeToPeak.Result r = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(4, 100, 2000))
                .withReference(new TimeToPeak.Reference(600.5, 24.25, 12.5));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TimeToPeak.Result back = json.readValue(json.writeValueAsString(r), TimeToPeak.Result.class);
        assertEquals(r.reference(), back.reference());
        assertEquals(r.steadyGmacs(), back.steadyGmacs(), 0);
        // without --reference the field is null, and the line still reads back
        TimeToPeak.Result plain = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(4, 100, 2000));
        assertEquals(null, json.readValue(json.writeValueAsString(plain), TimeToPeak.Result.class).reference());
    }

    @Test
    void aRunWhoseLastSegmentsAgreeIsSettledAndOneWhoseSpeedKeepsChangingIsNot() {
        assertTrue(TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, Double.NaN, false, 0, ends(4, 100, 2000)).settled());
        // 300 ms of 1 ms calls, then 300 ms of 3 ms calls, and so on: no three segments agree
        java.util.List<Long> e = new java.util.ArrayList<>();
        long t = 0;
        for (int block = 0; block < 8; block++) {
            long step = (block % 2 == 0 ? 1 : 3) * 1_000_000L;
            for (long end = t + 300_000_000L; t < end; ) {
                t += step;
                e.add(t);
            }
        }
        TimeToPeak.Result r = TimeToPeak.analyse(W, "TERNARY_FATNN", 1, 5, 250.0, true, 0,
                e.stream().mapToLong(Long::longValue).toArray());
        assertFalse(r.settled());
        assertEquals(250.0, r.warmUpMillis(), 1e-9);
        assertTrue(r.warmUpSettled());
    }
}

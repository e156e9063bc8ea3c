package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SteadyStateTest {

    @Test
    void warmUpEndsAtTheFirstThreeThatAgreeWithinFivePercent() {
        SteadyState s = SteadyState.of(new double[] {900, 400, 120, 101, 100, 104, 103});
        assertTrue(s.settled());
        assertEquals(3, s.warmupIterations()); // 101, 100, 104 agree: 104 <= 100 * 1.05
        assertEquals(4, s.measuredIterations());
        assertEquals((101 + 100 + 104 + 103) / 4.0, s.micros(), 1e-9);
        assertTrue(s.microsError() > 0 && Double.isFinite(s.microsError()));
        assertEquals("steady after 3 of 7 iterations", s.describe());
    }

    @Test
    void aLaterChangeOfSpeedStaysInTheFigure() {
        SteadyState s = SteadyState.of(new double[] {100, 100, 100, 140, 140});
        assertEquals(0, s.warmupIterations());
        assertEquals(116, s.micros(), 1e-9);
    }

    @Test
    void neverSettledIsMarkedAndUsesTheLastThree() {
        SteadyState s = SteadyState.of(new double[] {100, 200, 100, 200, 100});
        assertFalse(s.settled());
        assertEquals(2, s.warmupIterations());
        assertEquals(3, s.measuredIterations());
        assertEquals(400 / 3.0, s.micros(), 1e-9);
        assertTrue(s.describe().startsWith("NOT SETTLED"));
    }

    @Test
    void oneIterationHasNoError() {
        SteadyState s = SteadyState.of(new double[] {5});
        assertFalse(s.settled());
        assertTrue(Double.isNaN(s.microsError()));
        assertThrows(IllegalArgumentException.class, () -> SteadyState.of(new double[0]));
    }
}

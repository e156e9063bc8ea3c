package io.github.trit4j.tools;

import io.github.trit4j.Isa;
import io.github.trit4j.Precision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyRunTest {

    private static final long NO_LIMIT = 60_000_000_000L;

    @Test
    void casesStayInRangeAndInTheirValueSet() {
        for (PrecisionPair pair : PrecisionPair.SUPPORTED) {
            boolean boundary = false;
            for (long seed = 0; seed < 300; seed++) {
                VerifyCase c = VerifyCase.random(pair, seed);
                assertTrue(c.m() >= 1 && c.m() <= 40 && c.n() >= 1 && c.n() <= 40, c::toString);
                assertTrue(c.k() >= 1 && c.k() <= 1100, c::toString);
                assertEquals(c.m() * c.k(), c.weights().length);
                assertEquals(c.n() * c.k(), c.activations().length);
                assertInSet(pair.weights(), c.weights());
                assertInSet(pair.activations(), c.activations());
                boundary |= Arrays.stream(VerifyCase.BOUNDARY_K).anyMatch(b -> b == c.k());
            }
            assertTrue(boundary, pair + ": no boundary K in 300 cases");
        }
    }

    @Test
    void aSeedAlwaysGivesTheSameCase() {
        PrecisionPair pair = PrecisionPair.SUPPORTED.get(0);
        VerifyCase a = VerifyCase.random(pair, 123);
        VerifyCase b = VerifyCase.random(pair, 123);
        assertEquals(List.of(a.m(), a.n(), a.k()), List.of(b.m(), b.n(), b.k()));
        assertArrayEquals(a.weights(), b.weights());
        assertArrayEquals(a.activations(), b.activations());
    }

    @Test
    void aShapeSeesTheSameCasesAloneAsAmongAllShapes() {
        List<String> alone = new ArrayList<>();
        List<String> among = new ArrayList<>();
        new VerifyRun(List.of(Isa.NEON), 99, recorder(alone)).run(NO_LIMIT, 3);
        new VerifyRun(List.of(Isa.values()), 99, recorder(among)).run(NO_LIMIT, 3);
        assertEquals(alone, among);
        assertEquals(3 * PrecisionPair.SUPPORTED.size() * 2, alone.size());
    }

    @Test
    void theSmallestFailureIsReported() {
        List<Long> failedSizes = new ArrayList<>();
        GemmUnderTest everyOtherK = (isa, w, x, algorithm) -> {
            int[] out = GemmUnderTest.ENGINES.multiply(isa, w, x, algorithm);
            if (isa == Isa.AVX2 && w.cols() % 2 == 1) {
                out[0] ^= 1;
                failedSizes.add((long) w.rows() * x.rows() * w.cols());
            }
            return out;
        };
        VerifyTally tally = new VerifyRun(List.of(Isa.AVX2, Isa.SCALAR), 5, everyOtherK).run(NO_LIMIT, 20);
        assertTrue(tally.failures() > 0);
        assertEquals(failedSizes.size(), tally.failures());
        Mismatch smallest = tally.smallest();
        assertNotNull(smallest);
        assertEquals(Isa.AVX2, smallest.isa());
        assertEquals(failedSizes.stream().mapToLong(Long::longValue).min().orElseThrow(), smallest.size());
        assertTrue(smallest.detail().startsWith("first difference at out[0] (i=0, j=0)"), smallest.detail());
    }

    @Test
    void theFirstRoundCompletesHoweverShortTheBudget() {
        VerifyTally tally = new VerifyRun(List.of(Isa.SCALAR, Isa.NEON), 1, GemmUnderTest.ENGINES).run(0, 100);
        for (Isa isa : List.of(Isa.SCALAR, Isa.NEON)) {
            for (PrecisionPair pair : PrecisionPair.SUPPORTED) {
                assertEquals(1, tally.cases(new VerifyTally.Combo(isa, pair)));
            }
        }
    }

    /** The real engines, noting each product the shape under test computes. */
    private static GemmUnderTest recorder(List<String> seen) {
        return (isa, w, x, algorithm) -> {
            if (isa == Isa.NEON) {
                seen.add(w + " " + x + " " + algorithm);
            }
            return GemmUnderTest.ENGINES.multiply(isa, w, x, algorithm);
        };
    }

    private static void assertInSet(Precision p, byte[] values) {
        for (byte v : values) {
            assertTrue(p.contains(v), () -> v + " is outside " + p);
        }
    }
}

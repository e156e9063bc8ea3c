package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {

    /** A table row: shape, pair, cases, then pass/fail for each algorithm. */
    private static final Pattern ROW = Pattern.compile(
            "(?m)^(\\w+)\\s+(\\w+ x \\w+)\\s+(\\d+)\\s+(\\d+)/(\\d+)\\s+(\\d+)/(\\d+)\\s");

    @Test
    void everyShapeAndPairPassesWithBothAlgorithms() {
        CommandRun r = CommandRun.of("verify", "--seconds", "30", "--cases", "2", "--seed", "42");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("seed 42"), r::toString);
        assertTrue(r.out().contains("PASS"), r::toString);
        List<Isa> shapes = List.of(Isa.values()); // the test JVM has the vector module
        for (Isa isa : shapes) {
            for (PrecisionPair pair : PrecisionPair.SUPPORTED) {
                Matcher m = row(r.out(), isa, pair);
                assertEquals("2", m.group(3), () -> isa + " " + pair + " cases\n" + r);
                assertEquals("2", m.group(4), () -> isa + " " + pair + " FATNN passes\n" + r);
                assertEquals("0", m.group(5), () -> isa + " " + pair + " FATNN failures\n" + r);
                assertEquals("2", m.group(6), () -> isa + " " + pair + " CONVENTIONAL passes\n" + r);
                assertEquals("0", m.group(7), () -> isa + " " + pair + " CONVENTIONAL failures\n" + r);
            }
        }
    }

    @Test
    void isaRestrictsTheRunToOneShapeInAnyCase() {
        CommandRun r = CommandRun.of("verify", "--seconds", "1", "--isa", "scalar");
        assertEquals(0, r.exitCode(), r::toString);
        Matcher m = ROW.matcher(r.out());
        int rows = 0;
        while (m.find()) {
            assertEquals("SCALAR", m.group(1), r::toString);
            assertTrue(Integer.parseInt(m.group(3)) > 0, r::toString);
            rows++;
        }
        assertEquals(PrecisionPair.SUPPORTED.size(), rows, r::toString);
    }

    @Test
    void nativeChecksTheShapeThisJvmPicks() {
        CommandRun r = CommandRun.of("verify", "--seconds", "1", "--cases", "1", "--isa", "Native");
        assertEquals(0, r.exitCode(), r::toString);
        Matcher m = ROW.matcher(r.out());
        assertTrue(m.find(), r::toString);
        assertEquals(io.github.trit4j.Gemm.engine().isa().name(), m.group(1), r::toString);
    }

    @Test
    void anUnknownIsaIsAUsageErrorListingTheShapes() {
        CommandRun r = CommandRun.of("verify", "--isa", "FOO");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("FOO"), r::toString);
        assertTrue(r.err().contains(StudyOptions.ISA_VALUES), r::toString);
        assertTrue(r.out().isEmpty(), r::toString);
    }

    @Test
    void secondsAndCasesMustBePositive() {
        for (String[] args : new String[][] {
                {"verify", "--seconds", "0"}, {"verify", "--seconds", "-1"}, {"verify", "--seconds", "NaN"},
                {"verify", "--cases", "0"}, {"verify", "--seconds", "soon"}}) {
            CommandRun r = CommandRun.of(args);
            assertEquals(2, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
            assertTrue(r.err().contains(args[1]), () -> String.join(" ", args) + "\n" + r);
        }
    }

    @Test
    void aMismatchExitsWithOneAndReportsTheSmallestFailingCase() {
        VerifyCommand verify = new VerifyCommand();
        // NEON gets the last output wrong whenever K > 100
        verify.gemm = (isa, w, x, algorithm) -> {
            int[] out = GemmUnderTest.ENGINES.multiply(isa, w, x, algorithm);
            if (isa == Isa.NEON && w.cols() > 100) {
                out[out.length - 1]++;
            }
            return out;
        };
        CommandRun r = CommandRun.of(new CommandLine(verify), "--seconds", "30", "--cases", "4", "--seed", "7");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("FAIL:"), r::toString);
        assertTrue(r.out().contains("smallest failing case:"), r::toString);
        assertTrue(r.out().contains(", shape NEON, algorithm "), r::toString);
        assertTrue(r.out().contains("case seed "), r::toString);
        assertTrue(r.out().matches("(?s).*first difference at out\\[\\d+] \\(i=\\d+, j=\\d+\\): expected -?\\d+ "
                + "\\(naive GEMM\\), actual -?\\d+ \\(NEON\\), -?\\d+ \\(SCALAR\\).*"), r::toString);
        assertTrue(r.out().contains("rerun: trit4j verify --seed 7 --isa neon"), r::toString);
        for (Isa isa : List.of(Isa.AVX512, Isa.AVX2, Isa.SCALAR)) {
            for (PrecisionPair pair : PrecisionPair.SUPPORTED) {
                assertEquals("0", row(r.out(), isa, pair).group(5), r::toString);
            }
        }
    }

    @Test
    void anExceptionInAKernelIsAFailureNotACrash() {
        VerifyCommand verify = new VerifyCommand();
        verify.gemm = (Isa isa, PackedMatrix w, PackedMatrix x, Algorithm algorithm) -> {
            if (isa == Isa.AVX2) {
                throw new IllegalStateException("boom");
            }
            return GemmUnderTest.ENGINES.multiply(isa, w, x, algorithm);
        };
        CommandRun r = CommandRun.of(new CommandLine(verify), "--seconds", "1", "--cases", "1", "--isa", "AVX2");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("AVX2 threw java.lang.IllegalStateException: boom"), r::toString);
        assertFalse(r.out().contains("PASS"), r::toString);
    }

    private static Matcher row(String out, Isa isa, PrecisionPair pair) {
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            if (m.group(1).equals(isa.name()) && m.group(2).equals(pair.toString())) {
                return m;
            }
        }
        throw new AssertionError("no row for " + isa + " " + pair + " in\n" + out);
    }
}

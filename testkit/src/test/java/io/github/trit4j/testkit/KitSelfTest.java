package io.github.trit4j.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit's own plumbing: seeds, budget, messages, generators' values. */
class KitSelfTest {

    /** The five pairs trit4j's kernels support; the mutants implement these. */
    static final List<CodePair> TRIT4J_PAIRS = List.of(
            new CodePair(CodeSet.TERNARY, CodeSet.TERNARY_UNSIGNED),
            new CodePair(CodeSet.TERNARY, CodeSet.TWO_BIT),
            new CodePair(CodeSet.TERNARY, CodeSet.TERNARY),
            new CodePair(CodeSet.TWO_BIT, CodeSet.TWO_BIT),
            new CodePair(CodeSet.BINARY, CodeSet.BINARY));

    @Test
    void everyPatternDrawsCodesOfItsSetAndIsReproducible() {
        for (CodeSet s : CodeSet.values()) {
            for (ValuePattern p : ValuePattern.values()) {
                byte[] v = p.values(s, 7, 300, 42);
                for (byte b : v) {
                    assertTrue(s.contains(b), () -> p + " drew " + b + " for " + s);
                }
                assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(p.values(s, 7, 300, 42)));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ValuePattern.RANDOM.values(CodeSet.TERNARY, -1, 3, 0));
    }

    @Test
    void sameSeedSameCasesOtherSeedOtherCases() {
        KitSettings s = KitSettings.defaults();
        CodePair p = TRIT4J_PAIRS.get(0);
        assertEquals(s.seedFor("randomShapes", p), s.withSeed(s.seed()).seedFor("randomShapes", p));
        assertFalse(s.seedFor("randomShapes", p) == s.withSeed(s.seed() + 1).seedFor("randomShapes", p));
        assertFalse(s.seedFor("randomShapes", p) == s.seedFor("longK", p));
    }

    @Test
    void aFailureNamesShapeCodesExpectedActualIndexAndSeed() {
        TernaryGemm offByOneAtZero = new TernaryGemm() {
            @Override
            public int[] multiply(CodeSet wc, byte[] w, CodeSet xc, byte[] x, int m, int n, int k) {
                int[] out = NaiveGemm.multiply(w, x, m, n, k);
                out[out.length - 1] += k > 100 ? 1 : 0;
                return out;
            }

            @Override
            public String name() {
                return "offByOne";
            }
        };
        KitSettings s = KitSettings.defaults().withSeed(1234);
        PropertyResult r = TernaryGemmProperties.properties(offByOneAtZero, s).stream()
                .filter(p -> p.name().equals(TernaryGemmProperties.RANDOM)).findFirst().orElseThrow().run();
        assertFalse(r.passed());
        String m = r.failure();
        assertTrue(m.contains("offByOne fails randomShapes on BINARY x BINARY"), m);
        java.util.regex.Matcher k = java.util.regex.Pattern.compile("shrunk counterexample: BINARY x BINARY M=\\d+ N=\\d+ K=(\\d+) ")
                .matcher(m);
        assertTrue(k.find() && Integer.parseInt(k.group(1)) > 100, m);
        assertTrue(m.matches("(?s).*first differing index \\d+ \\(row \\d+, column \\d+\\): expected -?\\d+, actual -?\\d+.*"), m);
        assertTrue(m.contains("weights (M x K):"), m);
        assertTrue(m.contains("-Dtrit4j.testkit.seed=1234"), m);
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        assertEquals(m, e.getMessage());
    }

    @Test
    void theBudgetStopsAPropertyAfterOneExample() {
        TernaryGemm slow = (wc, w, xc, x, m, n, k) -> NaiveGemm.multiply(w, x, m, n, k);
        KitSettings s = KitSettings.defaults().withBudget(Duration.ZERO);
        PropertyResult r = TernaryGemmProperties.properties(slow, s).get(0).run();
        assertTrue(r.passed());
        assertEquals(1, r.examplesChecked());
        assertEquals(499, r.examplesSkipped());
    }

    @Test
    void anExceptionOrAWrittenOperandIsAFailure() {
        TernaryGemm throwing = (wc, w, xc, x, m, n, k) -> {
            throw new IllegalStateException("boom at K=" + k);
        };
        PropertyResult r = TernaryGemmProperties.properties(throwing, KitSettings.defaults()).get(0).run();
        assertTrue(r.failure().contains("threw java.lang.IllegalStateException: boom at K=1"), r.failure());
        TernaryGemm writing = (wc, w, xc, x, m, n, k) -> {
            int[] out = NaiveGemm.multiply(w, x, m, n, k);
            w[0] = 0;
            return out;
        };
        PropertyResult r2 = TernaryGemmProperties.properties(writing, KitSettings.defaults()).get(0).run();
        assertTrue(r2.failure().contains("modified its weights array"), r2.failure());
    }

    @Test
    void badSettingsAndCasesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GemmCase(CodeSet.TERNARY, CodeSet.TERNARY, 0, 1, 1, ValuePattern.ZERO, ValuePattern.ZERO, 0));
        assertTrue(e.getMessage().contains("M=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvSpec.of(3, 2, 3, 3).groups(2));
        assertTrue(e.getMessage().contains("groups 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KitSettings.defaults().withExamples(0, 1));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}

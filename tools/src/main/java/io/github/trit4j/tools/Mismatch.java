package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Isa;

/**
 * A failed check: one case on one shape with one algorithm.
 *
 * @param testCase  the operands
 * @param caseIndex which case of its shape x pair it was (0-based), to find it again with the same seed
 * @param isa       the shape under test
 * @param algorithm the algorithm under test
 * @param detail    what went wrong: the first differing index with its values, or an exception
 */
record Mismatch(VerifyCase testCase, int caseIndex, Isa isa, Algorithm algorithm, String detail) {

    /** Rank by M*N*K: the smallest failing case is the easiest to debug. */
    long size() {
        return testCase.size();
    }

    /** Multi-line description, for the report. */
    String describe(long runSeed) {
        VerifyCase c = testCase;
        return "  pair " + c.pair() + ", shape " + isa + ", algorithm " + algorithm + "\n"
                + "  M=" + c.m() + " N=" + c.n() + " K=" + c.k() + " (M*N*K = " + size() + ")\n"
                + "  case seed " + c.seed() + " (case #" + caseIndex + " of this shape x pair with --seed " + runSeed + ")\n"
                + "  " + detail;
    }
}

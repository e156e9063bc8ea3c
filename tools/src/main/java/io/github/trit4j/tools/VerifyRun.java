package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.tools.VerifyTally.Combo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The cross-check loop of {@code verify}: random cases, round-robin over every shape x pair
 * so that a slow (software-emulated) shape cannot starve the others, each case checked
 * with every algorithm against the SCALAR engine and against {@link NaiveGemm} on the
 * unpacked values.
 *
 * <p>Each shape x pair draws its case seeds from its own generator, seeded from the run
 * seed and the shape and pair (not their position in this run), so a run restricted with
 * {@code --isa} repeats that shape's cases of an unrestricted run with the same seed.
 */
final class VerifyRun {

    private final List<Combo> combos = new ArrayList<>();
    private final List<SplittableRandom> seeds = new ArrayList<>();
    private final GemmUnderTest gemm;
    private final VerifyTally tally;

    VerifyRun(List<Isa> shapes, long runSeed, GemmUnderTest gemm) {
        this.gemm = gemm;
        for (Isa isa : shapes) {
            for (int p = 0; p < PrecisionPair.SUPPORTED.size(); p++) {
                combos.add(new Combo(isa, PrecisionPair.SUPPORTED.get(p)));
                long key = isa.ordinal() * 64L + p + 1;
                seeds.add(new SplittableRandom(runSeed ^ (0x9E3779B97F4A7C15L * key)));
            }
        }
        this.tally = new VerifyTally(combos);
    }

    /**
     * Runs rounds (one case per shape x pair each) until the budget is spent or
     * {@code maxRounds} rounds are done. The first round always completes.
     */
    VerifyTally run(long budgetNanos, int maxRounds) {
        long start = System.nanoTime();
        for (int round = 0; round < maxRounds; round++) {
            for (int c = 0; c < combos.size(); c++) {
                if (round > 0 && System.nanoTime() - start >= budgetNanos) {
                    return tally;
                }
                runCase(combos.get(c), VerifyCase.random(combos.get(c).pair(), seeds.get(c).nextLong()), round);
            }
        }
        return tally;
    }

    private void runCase(Combo combo, VerifyCase c, int index) {
        long t0 = System.nanoTime();
        PrecisionPair pair = c.pair();
        PackedMatrix w;
        PackedMatrix x;
        int[] expected;
        String broken;
        try {
            w = PackedMatrix.pack(pair.weights(), c.weights(), c.m(), c.k());
            x = PackedMatrix.pack(pair.activations(), c.activations(), c.n(), c.k());
            byte[] wv = w.unpack();
            byte[] xv = x.unpack();
            broken = roundTrip("weights", c.weights(), wv, c.k());
            if (broken == null) {
                broken = roundTrip("activations", c.activations(), xv, c.k());
            }
            expected = NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k());
        } catch (RuntimeException e) {
            w = null;
            x = null;
            expected = null;
            broken = "pack/unpack threw " + e;
        }
        for (Algorithm algorithm : Algorithm.values()) {
            String detail = broken != null ? broken : compare(combo.isa(), algorithm, w, x, expected, c.n());
            if (detail == null) {
                tally.pass(combo, algorithm);
            } else {
                tally.fail(combo, new Mismatch(c, index, combo.isa(), algorithm, detail));
            }
        }
        tally.caseDone(combo, System.nanoTime() - t0);
    }

    /** Null if the shape and SCALAR both agree with the oracle, else what differs first. */
    private String compare(Isa isa, Algorithm algorithm, PackedMatrix w, PackedMatrix x, int[] expected, int n) {
        int[] scalar;
        int[] actual;
        try {
            scalar = gemm.multiply(Isa.SCALAR, w, x, algorithm);
        } catch (RuntimeException e) {
            return "SCALAR threw " + e;
        }
        try {
            actual = isa == Isa.SCALAR ? scalar : gemm.multiply(isa, w, x, algorithm);
        } catch (RuntimeException e) {
            return isa + " threw " + e;
        }
        if (actual.length != expected.length || scalar.length != expected.length) {
            return "output length " + actual.length + " (" + isa + "), " + scalar.length + " (SCALAR), expected "
                    + expected.length;
        }
        for (int idx = 0; idx < expected.length; idx++) {
            if (actual[idx] != expected[idx] || scalar[idx] != expected[idx]) {
                return "first difference at out[" + idx + "] (i=" + idx / n + ", j=" + idx % n + "): expected "
                        + expected[idx] + " (naive GEMM), actual " + actual[idx] + " (" + isa + "), "
                        + scalar[idx] + " (SCALAR)";
            }
        }
        return null;
    }

    private static String roundTrip(String what, byte[] original, byte[] unpacked, int k) {
        int idx = Arrays.mismatch(original, unpacked);
        if (idx < 0) {
            return null;
        }
        if (idx >= Math.min(original.length, unpacked.length)) {
            return "unpack(pack(" + what + ")) has " + unpacked.length + " values, expected " + original.length;
        }
        return "unpack(pack(" + what + ")) differs at row " + idx / k + ", col " + idx % k + ": packed "
                + original[idx] + ", unpacked " + unpacked[idx];
    }
}

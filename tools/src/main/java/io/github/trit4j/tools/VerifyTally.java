package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Isa;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pass and fail counts of a {@code verify} run per shape x pair x algorithm, and its smallest failure. */
final class VerifyTally {

    /** One shape x pair: the unit of round-robin scheduling and one row of the table. */
    record Combo(Isa isa, PrecisionPair pair) {
    }

    private static final class Counts {
        int cases;
        final int[] pass = new int[Algorithm.values().length];
        final int[] fail = new int[Algorithm.values().length];
        long nanos;
    }

    private final Map<Combo, Counts> rows = new LinkedHashMap<>();
    private long checks;
    private long failures;
    private Mismatch smallest;

    VerifyTally(List<Combo> combos) {
        for (Combo c : combos) {
            rows.put(c, new Counts());
        }
    }

    void caseDone(Combo combo, long nanos) {
        Counts c = rows.get(combo);
        c.cases++;
        c.nanos += nanos;
    }

    void pass(Combo combo, Algorithm algorithm) {
        rows.get(combo).pass[algorithm.ordinal()]++;
        checks++;
    }

    void fail(Combo combo, Mismatch mismatch) {
        rows.get(combo).fail[mismatch.algorithm().ordinal()]++;
        checks++;
        failures++;
        if (smallest == null || mismatch.size() < smallest.size()) {
            smallest = mismatch;
        }
    }

    long checks() {
        return checks;
    }

    long failures() {
        return failures;
    }

    /** The failure with the smallest M*N*K (the first seen among equals), or null. */
    Mismatch smallest() {
        return smallest;
    }

    /** Cases run for one shape x pair. */
    int cases(Combo combo) {
        return rows.get(combo).cases;
    }

    /** Prints the table, one row per shape x pair, with pass/fail per algorithm. */
    void printTable(PrintWriter out) {
        StringBuilder header = new StringBuilder(String.format("%-7s %-27s %6s", "shape", "pair", "cases"));
        for (Algorithm a : Algorithm.values()) {
            header.append(String.format(" %22s", a + " pass/fail"));
        }
        header.append(String.format(" %8s", "time"));
        out.println(header);
        rows.forEach((combo, c) -> {
            StringBuilder row = new StringBuilder(String.format("%-7s %-27s %6d", combo.isa(), combo.pair(), c.cases));
            boolean bad = false;
            for (Algorithm a : Algorithm.values()) {
                row.append(String.format(" %22s", c.pass[a.ordinal()] + "/" + c.fail[a.ordinal()]));
                bad |= c.fail[a.ordinal()] > 0;
            }
            row.append(String.format(" %7.2fs", c.nanos / 1e9));
            if (bad) {
                row.append("  FAIL");
            }
            out.println(row);
        });
    }
}

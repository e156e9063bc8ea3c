package io.github.trit4j.testkit;

import java.util.Arrays;

/** Failure details: where two results differ, and the operands, printed for replay. Stateless. */
final class Report {

    /** Values printed per array; longer arrays are cut with a count of the rest. */
    static final int SHOWN = 256;

    private Report() {
    }

    /** Null if {@code actual} equals {@code expected}, else the first difference; {@code where} names an index. */
    static String compare(int[] expected, int[] actual, java.util.function.IntFunction<String> where) {
        if (actual == null) {
            return "  the implementation returned null";
        }
        if (actual.length != expected.length) {
            return "  result has length " + actual.length + ", expected " + expected.length + "\n  expected: "
                    + ints(expected) + "\n  actual:   " + ints(actual);
        }
        int first = -1;
        int differ = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                differ++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        return "  first differing index " + first + " (" + where.apply(first) + "): expected " + expected[first]
                + ", actual " + actual[first] + "; " + differ + " of " + expected.length + " outputs differ\n"
                + "  expected: " + ints(expected) + "\n  actual:   " + ints(actual);
    }

    /** Null if the operand is as it was, else a line saying the implementation wrote to it. */
    static String unchanged(String name, byte[] before, byte[] after) {
        return Arrays.equals(before, after) ? null : "  the implementation modified its " + name + " array";
    }

    static String ints(int[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(v.length > SHOWN ? ", ... (" + (v.length - SHOWN) + " more)]" : "]").toString();
    }

    static String codes(byte[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(v.length > SHOWN ? ", ... (" + (v.length - SHOWN) + " more)]" : "]").toString();
    }
}

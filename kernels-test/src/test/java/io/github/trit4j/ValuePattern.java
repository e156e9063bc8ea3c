package io.github.trit4j;

import java.util.SplittableRandom;

/**
 * How a test matrix's values are drawn. Listed simplest first, so that shrinking
 * moves toward ZERO.
 */
enum ValuePattern {
    /** The value 0 everywhere (+1 for BINARY, which has no 0). */
    ZERO,
    /** One non-zero (extreme) value per row, the rest the zero value. */
    SINGLE_NONZERO,
    /** The largest value everywhere. */
    ALL_MAX,
    /** The smallest value everywhere. */
    ALL_MIN,
    /** Mostly the zero value, one in ten random. */
    SPARSE,
    /** Uniform over the set. */
    RANDOM,
    /** Each row picks one of the patterns above at random. */
    MIXED_ROWS;

    static int zeroOf(Precision p) {
        return p == Precision.BINARY ? 1 : 0;
    }

    static int randomValue(Precision p, SplittableRandom rnd) {
        if (p == Precision.BINARY) {
            return rnd.nextBoolean() ? 1 : -1;
        }
        return p.min() + rnd.nextInt(p.max() - p.min() + 1);
    }

    /** Row-major {@code rows x cols} values of {@code p}, drawn from {@code seed}. */
    byte[] values(Precision p, int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] v = new byte[rows * cols];
        ValuePattern[] plain = {ZERO, SINGLE_NONZERO, ALL_MAX, ALL_MIN, SPARSE, RANDOM};
        for (int r = 0; r < rows; r++) {
            ValuePattern rowPattern = this == MIXED_ROWS ? plain[rnd.nextInt(plain.length)] : this;
            int zero = zeroOf(p);
            int extreme = p == Precision.BINARY ? -1 : (rnd.nextBoolean() || p.min() == 0 ? p.max() : p.min());
            int single = rnd.nextInt(cols);
            for (int c = 0; c < cols; c++) {
                int value = switch (rowPattern) {
                    case ZERO -> zero;
                    case SINGLE_NONZERO -> c == single ? extreme : zero;
                    case ALL_MAX -> p.max();
                    case ALL_MIN -> p.min();
                    case SPARSE -> rnd.nextInt(10) == 0 ? randomValue(p, rnd) : zero;
                    case RANDOM, MIXED_ROWS -> randomValue(p, rnd);
                };
                v[r * cols + c] = (byte) value;
            }
        }
        return v;
    }
}

package io.github.trit4j.testkit;

import java.util.SplittableRandom;

/**
 * How a generated matrix's values are drawn. Listed simplest first, so that shrinking moves
 * toward {@link #ZERO}. Together they cover the data that breaks kernels: all-zero, all-extreme
 * (sums at the edge of the accumulator), one value in a row (a lost bit), sparse rows, long runs
 * of one code (a word or a vector of one value), and rows of different kinds in one matrix.
 *
 * <p>Immutable and thread-safe.
 */
public enum ValuePattern {
    /** The zero value everywhere ({@link CodeSet#zero()}). */
    ZERO,
    /** One extreme value per row, the rest the zero value. */
    SINGLE_NONZERO,
    /** The set's largest value everywhere. */
    ALL_MAX,
    /** The set's smallest value everywhere. */
    ALL_MIN,
    /** Mostly the zero value, one in ten uniform. */
    SPARSE,
    /** Uniform over the set. */
    RANDOM,
    /** Runs of one value, each 1 to 300 long (whole words and vectors of one code). */
    LONG_RUNS,
    /** Each row one of the patterns above, at random. */
    MIXED_ROWS;

    private static final ValuePattern[] PLAIN = {ZERO, SINGLE_NONZERO, ALL_MAX, ALL_MIN, SPARSE, RANDOM, LONG_RUNS};

    /**
     * A uniform value of {@code set}.
     *
     * @param set the value set
     * @param rnd the source of randomness
     * @return a value of the set
     */
    public static int randomValue(CodeSet set, SplittableRandom rnd) {
        if (set == CodeSet.BINARY) {
            return rnd.nextBoolean() ? 1 : -1;
        }
        return set.min() + rnd.nextInt(set.max() - set.min() + 1);
    }

    /**
     * A row-major {@code rows x cols} matrix of values of {@code set}, drawn from {@code seed}:
     * the same arguments give the same values.
     *
     * @param set  the value set
     * @param rows rows, at least 0
     * @param cols columns, at least 0
     * @param seed the seed
     * @return {@code rows * cols} values, one byte each
     * @throws IllegalArgumentException if {@code rows} or {@code cols} is negative or their product overflows
     */
    public byte[] values(CodeSet set, int rows, int cols, long seed) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("rows and cols must be at least 0, got " + rows + " x " + cols);
        }
        byte[] v = new byte[Math.multiplyExact(rows, cols)];
        SplittableRandom rnd = new SplittableRandom(seed);
        int zero = set.zero();
        for (int r = 0; r < rows; r++) {
            ValuePattern rowPattern = this == MIXED_ROWS ? PLAIN[rnd.nextInt(PLAIN.length)] : this;
            int extreme = set == CodeSet.BINARY ? -1 : (rnd.nextBoolean() || set.min() == 0 ? set.max() : set.min());
            int single = cols == 0 ? 0 : rnd.nextInt(cols);
            int runLeft = 0;
            int runValue = zero;
            for (int c = 0; c < cols; c++) {
                if (rowPattern == LONG_RUNS && runLeft-- == 0) {
                    runLeft = rnd.nextInt(300);
                    runValue = randomValue(set, rnd);
                }
                int value = switch (rowPattern) {
                    case ZERO -> zero;
                    case SINGLE_NONZERO -> c == single ? extreme : zero;
                    case ALL_MAX -> set.max();
                    case ALL_MIN -> set.min();
                    case SPARSE -> rnd.nextInt(10) == 0 ? randomValue(set, rnd) : zero;
                    case RANDOM, MIXED_ROWS -> randomValue(set, rnd);
                    case LONG_RUNS -> runValue;
                };
                v[r * cols + c] = (byte) value;
            }
        }
        return v;
    }
}

package io.github.trit4j.testkit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A plain-Java bit-plane GEMM, as packed ternary kernels compute it: each operand row is split
 * into one or two bit-planes of 64-bit words, and the product is a sum of plane-pair popcounts
 * plus row and column constants. Weights' ternary codes are sign/magnitude planes
 * ({@code v = m - 2s}), activations' ternary codes are offset by one onto thermometer planes
 * ({@code v = a + b - 1}, FATNN's recoding, hence a row constant), binary codes are
 * {@code v = 1 - 2s}, unsigned ternary {@code a + b}, 2-bit {@code lo + 2 hi}.
 *
 * <p>With {@link Defect#NONE} it is correct for every pair; every other {@link Defect} is one
 * realistic bug, for the mutation test. Thread-safe.
 */
final class PlanesGemm implements TernaryGemm {

    /** One bug each, or none. */
    enum Defect {
        /** Correct. */
        NONE,
        /** The tail word's mask keeps one bit too few: {@code (1L << (k % 64 - 1)) - 1}. */
        K_TAIL_OFF_BY_ONE,
        /** Ternary weights' sign plane packed from the magnitude test ({@code v != 0} for {@code v < 0}). */
        WRONG_SIGN_PLANE,
        /** The activations' offset times the weights' row sum (the row constant) left out. */
        ROW_CONSTANT_SKIPPED,
        /** The dot product accumulated in 16 bits (a {@code short} lane), wrapping past 32767. */
        INT16_ACCUMULATOR,
        /** A matrix-vector path for N == 1 that reads only the activations' first plane. */
        WRONG_ONLY_FOR_N1,
        /** Two threads write column tiles, each through a buffer one column wider: a race on the neighbour's first column. */
        TILE_RACE
    }

    private static final ExecutorService TILES = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "planes-gemm-tile");
        t.setDaemon(true);
        return t;
    });

    private final Defect defect;
    private final boolean allPairs;

    PlanesGemm(Defect defect, boolean allPairs) {
        this.defect = defect;
        this.allPairs = allPairs;
    }

    Defect defect() {
        return defect;
    }

    @Override
    public boolean supports(CodePair pair) {
        return allPairs || KitSelfTest.TRIT4J_PAIRS.contains(pair);
    }

    @Override
    public String name() {
        return "PlanesGemm[" + defect + "]";
    }

    static int planes(CodeSet s) {
        return s == CodeSet.BINARY ? 1 : 2;
    }

    static int coefficient(CodeSet s, boolean left, int p) {
        return switch (s) {
            case BINARY -> -2;
            case TERNARY -> left ? (p == 0 ? 1 : -2) : 1;
            case TERNARY_UNSIGNED -> 1;
            case TWO_BIT -> p == 0 ? 1 : 2;
        };
    }

    static int offset(CodeSet s, boolean left) {
        return switch (s) {
            case BINARY -> 1;
            case TERNARY -> left ? 0 : -1;
            default -> 0;
        };
    }

    private boolean bit(CodeSet s, boolean left, int p, int v) {
        return switch (s) {
            case BINARY -> v < 0;
            case TERNARY -> left ? (p == 0 || defect == Defect.WRONG_SIGN_PLANE ? v != 0 : v < 0)
                    : (p == 0 ? v >= 0 : v >= 1);
            case TERNARY_UNSIGNED -> p == 0 ? v >= 1 : v >= 2;
            case TWO_BIT -> p == 0 ? (v & 1) != 0 : (v >> 1) != 0;
        };
    }

    /** {@code [row][plane][word]}. */
    private long[][][] pack(CodeSet s, boolean left, byte[] v, int rows, int k) {
        int words = (k + 63) / 64;
        long[][][] packed = new long[rows][planes(s)][words];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < planes(s); p++) {
                for (int kk = 0; kk < k; kk++) {
                    if (bit(s, left, p, v[r * k + kk])) {
                        packed[r][p][kk >> 6] |= 1L << kk;
                    }
                }
            }
        }
        return packed;
    }

    private int popcount(long[] a, long[] b, int k) {
        long tailMask = k % 64 == 0 ? -1L
                : defect == Defect.K_TAIL_OFF_BY_ONE ? (1L << (k % 64 - 1)) - 1 : (1L << (k % 64)) - 1;
        int sum = 0;
        for (int i = 0; i < a.length; i++) {
            long word = a[i] & (b == null ? -1L : b[i]);
            if (i == a.length - 1) {
                word &= tailMask;
            }
            sum += Long.bitCount(word);
        }
        return sum;
    }

    @Override
    public int[] multiply(CodeSet wc, byte[] weights, CodeSet xc, byte[] activations, int m, int n, int k) {
        long[][][] w = pack(wc, true, weights, m, k);
        long[][][] x = pack(xc, false, activations, n, k);
        int[] out = new int[m * n];
        if (defect == Defect.TILE_RACE && n >= 2) {
            int half = (n + 1) / 2;
            Future<?> left = TILES.submit(() -> tile(w, x, wc, xc, m, n, k, 0, half, out));
            Future<?> right = TILES.submit(() -> tile(w, x, wc, xc, m, n, k, half, n, out));
            try {
                left.get();
                right.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
        tile(w, x, wc, xc, m, n, k, 0, n, out);
        return out;
    }

    /** Columns {@code j0..j1} of the product, written through a tile buffer. */
    private void tile(long[][][] w, long[][][] x, CodeSet wc, CodeSet xc, int m, int n, int k, int j0, int j1,
                      int[] out) {
        int width = j1 - j0 + (defect == Defect.TILE_RACE ? 1 : 0);
        int[] buffer = new int[m * width];
        int ow = offset(wc, true);
        int ox = offset(xc, false);
        int xPlanes = defect == Defect.WRONG_ONLY_FOR_N1 && n == 1 ? 1 : planes(xc);
        for (int i = 0; i < m; i++) {
            int rowConstant = 0;
            for (int p = 0; p < planes(wc); p++) {
                rowConstant += coefficient(wc, true, p) * popcount(w[i][p], null, k);
            }
            for (int j = j0; j < j1; j++) {
                int acc = 0;
                int columnConstant = 0;
                for (int q = 0; q < xPlanes; q++) {
                    columnConstant += coefficient(xc, false, q) * popcount(x[j][q], null, k);
                    for (int p = 0; p < planes(wc); p++) {
                        acc += coefficient(wc, true, p) * coefficient(xc, false, q) * popcount(w[i][p], x[j][q], k);
                    }
                }
                if (defect != Defect.ROW_CONSTANT_SKIPPED) {
                    acc += ox * rowConstant;
                }
                acc += ow * columnConstant + ow * ox * k;
                if (defect == Defect.INT16_ACCUMULATOR) {
                    acc = (short) acc; // as if every partial sum had been kept in a 16-bit lane
                }
                buffer[i * width + j - j0] = acc;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < Math.min(n, j0 + width); j++) {
                out[i * n + j] = buffer[i * width + j - j0];
            }
        }
    }
}

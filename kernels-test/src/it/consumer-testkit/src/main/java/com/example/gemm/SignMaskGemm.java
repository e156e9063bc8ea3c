package com.example.gemm;

/**
 * Someone else's ternary GEMM, plain Java: each row of ternary weights becomes two bit masks
 * (where +1, where -1) of 64-bit words, each row of activations two masks too (ternary: +1 and -1;
 * unsigned {0, 1, 2}: at least 1, at least 2), and a dot product is the signed sum of four popcounts.
 * Weights {@code m x k}, activations {@code n x k}, one byte per value, row-major;
 * {@code out[i*n + j]} is the dot product of weight row i and activation row j. Thread-safe.
 */
public final class SignMaskGemm {

    private SignMaskGemm() {
    }

    /**
     * Ternary weights times ternary ({@code unsignedActivations == false}) or unsigned ternary activations.
     *
     * @param w                   weights in {-1, 0, 1}
     * @param x                   activations in {-1, 0, 1} or {0, 1, 2}
     * @param m                   weight rows
     * @param n                   activation rows
     * @param k                   shared length
     * @param unsignedActivations whether {@code x} holds {0, 1, 2}
     * @return the {@code m x n} products
     */
    public static int[] multiply(byte[] w, byte[] x, int m, int n, int k, boolean unsignedActivations) {
        int words = (k + 63) / 64;
        long[][] wPlanes = masks(w, m, k, words, -1);
        long[][] xPlanes = masks(x, n, k, words, unsignedActivations ? 2 : -1);
        // plane 0 counts +1, plane 1 counts -1 (weights, ternary activations) or +1 again (unsigned: v >= 2)
        int xSecond = unsignedActivations ? 1 : -1;
        int[] out = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int dot = 0;
                for (int word = 0; word < words; word++) {
                    long wp = wPlanes[2 * i][word];
                    long wm = wPlanes[2 * i + 1][word];
                    long xa = xPlanes[2 * j][word];
                    long xb = xPlanes[2 * j + 1][word];
                    dot += Long.bitCount(wp & xa) + xSecond * Long.bitCount(wp & xb)
                            - Long.bitCount(wm & xa) - xSecond * Long.bitCount(wm & xb);
                }
                out[i * n + j] = dot;
            }
        }
        return out;
    }

    /** Two masks per row: v >= 1, and v == second (-1 for ternary, 2 for unsigned). */
    private static long[][] masks(byte[] v, int rows, int k, int words, int second) {
        long[][] planes = new long[2 * rows][words];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                int value = v[r * k + c];
                if (value >= 1) {
                    planes[2 * r][c >>> 6] |= 1L << c;
                }
                if (value == second) {
                    planes[2 * r + 1][c >>> 6] |= 1L << c;
                }
            }
        }
        return planes;
    }
}

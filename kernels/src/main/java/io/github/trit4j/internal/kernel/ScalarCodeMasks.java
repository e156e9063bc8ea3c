package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link CodeMasks} without the vector module, 8 codes at a time: the 8 bytes are read as
 * one little-endian long, their plane bits isolated with shifts and masks (no per-element
 * switch) and gathered into 8 consecutive bits with one multiply.
 */
final class ScalarCodeMasks implements CodeMasks {

    /** The instance; stateless. */
    public static final ScalarCodeMasks INSTANCE = new ScalarCodeMasks();

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** The lowest bit of each byte. */
    private static final long L = 0x0101010101010101L;
    /** Multiplier that gathers the lowest bits of the 8 bytes into bits 56..63 (byte j to bit 56 + j). */
    private static final long GATHER = 0x0102040810204080L;
    private static final long HIGH6 = 0xFCFCFCFCFCFCFCFCL;
    private static final long NOT_LOW = 0xFEFEFEFEFEFEFEFEL;

    private ScalarCodeMasks() {
    }

    @Override
    public int masks(byte[] src, int off, int len, Precision precision, long[] d0, int o0, long[] d1, int o1,
                     int stride) {
        planes(src, off, len, precision, d0, o0, d1, o1, stride);
        return firstInvalid(src, off, len, precision);
    }

    /**
     * The index of the first code of {@code src[off, off + len)} outside {@code precision}, or
     * -1; checks 8 codes per step and searches only if one is bad.
     */
    static int firstInvalid(byte[] src, int off, int len, Precision precision) {
        int end = off + len;
        int i = off;
        long bad = 0;
        switch (precision) {
            case TERNARY_UNSIGNED -> {
                for (; i + 8 <= end; i += 8) {
                    long x = (long) LONGS.get(src, i);
                    bad |= (x & HIGH6) | (x & (x >>> 1) & L); // above 3, or 3
                }
            }
            case TWO_BIT -> {
                for (; i + 8 <= end; i += 8) {
                    bad |= (long) LONGS.get(src, i) & HIGH6;
                }
            }
            case TERNARY -> {
                for (; i + 8 <= end; i += 8) {
                    long x = (long) LONGS.get(src, i);
                    long sm = ((x >>> 7) & L) * 0xFF; // 0xFF in negative bytes
                    bad |= (x ^ sm) & (NOT_LOW | (sm & L)); // negatives must be 0xFF, others 0 or 1
                }
            }
            case BINARY -> {
                for (; i + 8 <= end; i += 8) {
                    long x = (long) LONGS.get(src, i);
                    long sm = ((x >>> 7) & L) * 0xFF;
                    bad |= (x ^ sm) ^ (~sm & L); // negatives must be 0xFF, others 0x01
                }
            }
        }
        for (; i < end; i++) {
            if (!precision.contains(src[i])) {
                bad = 1;
            }
        }
        if (bad != 0) {
            for (int idx = off; idx < end; idx++) {
                if (!precision.contains(src[idx])) {
                    return idx;
                }
            }
        }
        return -1;
    }

    /**
     * The plane words of {@link #masks}, codes unchecked. Plane bits of a code byte x:
     * p0 = ((x >>> a0) | (x >>> b0)) & 1, p1 = (x >>> s1) & 1.
     */
    private static void planes(byte[] src, int off, int len, Precision precision, long[] d0, int o0,
                               long[] d1, int o1, int stride) {
        int a0;
        int b0;
        int s1;
        switch (precision) {
            case TERNARY_UNSIGNED -> { a0 = 0; b0 = 1; s1 = 1; } // a = [x >= 1] = bit0 | bit1, b = bit1
            case TWO_BIT -> { a0 = 0; b0 = 0; s1 = 1; }          // lo = bit0, hi = bit1
            case TERNARY -> { a0 = 0; b0 = 0; s1 = 7; }          // m = bit0 (1 and -1 = 0xFF), s = sign
            case BINARY -> { a0 = 7; b0 = 7; s1 = 7; }           // [v < 0] = sign
            default -> throw new AssertionError(precision);
        }
        boolean two = precision.planes() == 2;
        int end = off + len;
        for (int g = 0, c = off; c < end; g++) {
            long w0 = 0;
            long w1 = 0;
            int stop = Math.min(end, c + 64);
            int shift = 0;
            for (; c + 8 <= stop; c += 8, shift += 8) {
                long x = (long) LONGS.get(src, c);
                w0 |= (((((x >>> a0) | (x >>> b0)) & L) * GATHER) >>> 56) << shift;
                w1 |= ((((x >>> s1) & L) * GATHER) >>> 56) << shift;
            }
            for (; c < stop; c++, shift++) {
                long x = src[c] & 0xFF;
                w0 |= (((x >>> a0) | (x >>> b0)) & 1) << shift;
                w1 |= ((x >>> s1) & 1) << shift;
            }
            d0[o0 + g * stride] = w0;
            if (two) {
                d1[o1 + g * stride] = w1;
            }
        }
    }

    @Override
    public int quantizeMasks(float[] src, int off, int len, Precision precision, float[] c, float[] a, float[] h,
                             int inclusive, long[] d0, int o0, long[] d1, int o1, int stride) {
        int terms = a.length;
        boolean thermometer = precision == Precision.TERNARY_UNSIGNED;
        int nan = -1;
        int end = off + len;
        for (int g = 0, i = off; i < end; g++) {
            long w0 = 0;
            long w1 = 0;
            int stop = Math.min(end, i + 64);
            for (int bit = 0; i < stop; i++, bit++) {
                float x = src[i];
                if (x != x && nan < 0) {
                    nan = i;
                }
                int code = 0;
                for (int t = 0; t < terms; t++) {
                    float y = (x - c[t]) * a[t];
                    code += (y > h[t] || ((inclusive >>> t & 1) != 0 && y == h[t])) ? 1 : 0;
                }
                long p0 = thermometer ? (code >= 1 ? 1 : 0) : code & 1;
                long p1 = thermometer ? (code >= 2 ? 1 : 0) : code >>> 1;
                w0 |= p0 << bit;
                w1 |= p1 << bit;
            }
            d0[o0 + g * stride] = w0;
            d1[o1 + g * stride] = w1;
        }
        return nan;
    }

    @Override
    public void copyRuns(long[] src, int s, int s2, int split, int step, int[] offsets, int from, int to,
                         long[] dst, int d, int lanes) {
        copyRunsScalar(src, s, s2, split, step, offsets, from, to, dst, d, lanes);
    }

    /**
     * {@link #copyRuns} in plain Java, reading only the words it copies. Runs of 8 words of one base
     * (the 512-bit engines' panels) are written out, loads before stores: a counted loop of 8
     * iterations costs C2 more than the copy.
     */
    static void copyRunsScalar(long[] src, int s, int s2, int split, int step, int[] offsets, int from, int to,
                               long[] dst, int d, int lanes) {
        if (lanes == 8 && split >= 8) {
            for (int r = from; r < to; r++) {
                int a = s + offsets[r];
                int b = d + 8 * r;
                long a7 = src[a + 7 * step]; // the highest index first: one range check covers the rest
                long a0 = src[a];
                long a1 = src[a + step];
                long a2 = src[a + 2 * step];
                long a3 = src[a + 3 * step];
                long a4 = src[a + 4 * step];
                long a5 = src[a + 5 * step];
                long a6 = src[a + 6 * step];
                dst[b + 7] = a7;
                dst[b] = a0;
                dst[b + 1] = a1;
                dst[b + 2] = a2;
                dst[b + 3] = a3;
                dst[b + 4] = a4;
                dst[b + 5] = a5;
                dst[b + 6] = a6;
            }
            return;
        }
        for (int r = from; r < to; r++) {
            int b = d + r * lanes;
            for (int l = 0; l < lanes; l++) {
                dst[b + l] = src[(l < split ? s : s2) + offsets[r] + l * step];
            }
        }
    }

    @Override
    public void transpose64(long[] a, int off) {
        transpose64Scalar(a, off);
    }

    /**
     * {@link #transpose64} in plain Java: six rounds of swapping bit blocks between rows
     * ({@code j} = 32, 16, ..., 1: the {@code j x j} off-diagonal blocks of every {@code 2j x 2j}
     * block change places).
     */
    static void transpose64Scalar(long[] a, int off) {
        java.util.Objects.checkFromIndexSize(off, 64, a.length);
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>= 1, m ^= (m << j)) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[off + k] >>> j) ^ a[off + (k | j)]) & m;
                a[off + (k | j)] ^= t;
                a[off + k] ^= t << j;
            }
        }
    }
}

package io.github.trit4j.conv;

import io.github.trit4j.Precision;
import io.github.trit4j.quant.ActivationQuantizer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An activation tensor quantized (if float) and packed once, per pixel: pixel
 * {@code (n, y, x)} holds its {@code C} channel codes as bit-planes of {@code words}
 * longs each (bit {@code c % 64} of word {@code c / 64}) at
 * {@code ((pixel * planes) + plane) * words}, in the same plane encoding as
 * {@link io.github.trit4j.PackedMatrix}. With {@code words = PackedMatrix.wordsPerRowFor(C)}
 * this is exactly a packed matrix with one row per pixel, which a 1x1 stride-1 convolution
 * hands to the GEMM as it is; otherwise im2col copies whole words (or shifted word pairs)
 * of these planes into packed patch rows. No byte or float im2col matrix exists.
 *
 * <p>Packing works on 8 codes at a time, read as one little-endian long: the plane bits of
 * the 8 bytes are isolated with shifts and masks (no per-element switch) and gathered into 8
 * consecutive bits with one multiply. NHWC rows give channel words directly; NCHW rows give
 * one word per 64 pixels of a channel, and 64 x 64 bit-matrix transposes turn those into
 * channel words per pixel. Every word of the {@code batch * H * W * planes * words} prefix of
 * {@code bits} is written, so the array may be reused between calls without clearing.
 *
 * <p>Not thread-safe; one instance per call.
 */
final class PixelPlanes {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** The lowest bit of each byte. */
    private static final long L = 0x0101010101010101L;
    /** Multiplier that gathers the lowest bits of the 8 bytes into bits 56..63 (byte j to bit 56 + j). */
    private static final long GATHER = 0x0102040810204080L;
    private static final long HIGH6 = 0xFCFCFCFCFCFCFCFCL;
    private static final long NOT_LOW = 0xFEFEFEFEFEFEFEFEL;

    final Precision precision;
    final int planes;
    final int batch;
    final int channels;
    final int height;
    final int width;
    /** Longs per plane per pixel. */
    final int words;
    final long[] bits;
    /** Plane bits of a code byte x: p0 = ((x >>> a0) | (x >>> b0)) & 1, p1 = (x >>> s1) & 1. */
    private final int a0;
    private final int b0;
    private final int s1;

    /**
     * @param words longs per plane per pixel, at least {@code ceil(channels / 64)}
     * @param bits  at least {@code batch * height * width * planes * words} longs; any content
     */
    PixelPlanes(Precision precision, int batch, int channels, int height, int width, int words, long[] bits) {
        this.precision = precision;
        this.planes = precision.planes();
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.words = words;
        this.bits = bits;
        switch (precision) {
            case TERNARY_UNSIGNED -> { a0 = 0; b0 = 1; s1 = 1; } // a = [x >= 1] = bit0 | bit1, b = bit1
            case TWO_BIT -> { a0 = 0; b0 = 0; s1 = 1; }          // lo = bit0, hi = bit1
            case TERNARY -> { a0 = 0; b0 = 0; s1 = 7; }          // m = bit0 (1 and -1 = 0xFF), s = sign
            case BINARY -> { a0 = 7; b0 = 7; s1 = 7; }           // [v < 0] = sign
            default -> throw new AssertionError(precision);
        }
    }

    /** Longs needed: {@code batch * height * width * planes * words}. */
    static int size(Precision precision, int batch, int channels, int height, int width, int words) {
        long size = (long) batch * height * width * precision.planes() * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed input of " + size + " longs does not fit a Java array");
        }
        return (int) size;
    }

    /** Base index of pixel {@code pixel}'s plane 0. */
    int base(int pixel) {
        return pixel * planes * words;
    }

    /**
     * Throws an IAE naming the first index of {@code input} whose value is outside
     * {@code precision}; checks 8 codes per step.
     */
    static void validate(byte[] input, Precision precision) {
        int n = input.length;
        int i = 0;
        long bad = 0;
        switch (precision) {
            case TERNARY_UNSIGNED -> {
                for (; i + 8 <= n; i += 8) {
                    long x = (long) LONGS.get(input, i);
                    bad |= (x & HIGH6) | (x & (x >>> 1) & L); // above 3, or 3
                }
            }
            case TWO_BIT -> {
                for (; i + 8 <= n; i += 8) {
                    bad |= (long) LONGS.get(input, i) & HIGH6;
                }
            }
            case TERNARY -> {
                for (; i + 8 <= n; i += 8) {
                    long x = (long) LONGS.get(input, i);
                    long sm = ((x >>> 7) & L) * 0xFF; // 0xFF in negative bytes
                    bad |= (x ^ sm) & (NOT_LOW | (sm & L)); // negatives must be 0xFF, others 0 or 1
                }
            }
            case BINARY -> {
                for (; i + 8 <= n; i += 8) {
                    long x = (long) LONGS.get(input, i);
                    long sm = ((x >>> 7) & L) * 0xFF;
                    bad |= (x ^ sm) ^ (~sm & L); // negatives must be 0xFF, others 0x01
                }
            }
        }
        for (; i < n; i++) {
            if (!precision.contains(input[i])) {
                bad = 1;
            }
        }
        if (bad != 0) {
            for (int idx = 0; idx < n; idx++) {
                int v = input[idx];
                if (!precision.contains(v)) {
                    throw new IllegalArgumentException("input[" + idx + "] = " + v + " is outside " + precision + " "
                            + precision.valueSet());
                }
            }
        }
    }

    /** Packs integer codes, already {@linkplain #validate validated}. */
    void packCodes(byte[] input, Layout layout) {
        int hw = height * width;
        if (layout == Layout.NHWC) {
            for (int pixel = 0; pixel < batch * hw; pixel++) {
                packPixel(input, pixel * channels, base(pixel));
            }
        } else {
            long[] acc0 = new long[TILE];
            long[] acc1 = new long[TILE];
            for (int n = 0; n < batch; n++) {
                for (int p0 = 0; p0 < hw; p0 += TILE) {
                    int len = Math.min(TILE, hw - p0);
                    for (int cw = 0; cw < (channels + 63) >>> 6; cw++) {
                        int c0 = cw << 6;
                        int cc = Math.min(64, channels - c0);
                        accumulate(input, (n * channels + c0) * hw + p0, hw, cc, len, acc0, acc1);
                        int dst = (n * hw + p0) * planes * words + cw;
                        scatter(acc0, acc1, len, dst);
                    }
                }
            }
        }
        zeroPadWords();
    }

    /** Pixels per tile of the NCHW packer: its two accumulator rows stay in L1. */
    private static final int TILE = 512;

    /**
     * acc[p] = channel bits of pixel p (bit c = channel c of the word) for {@code len} pixels,
     * channel c's codes at {@code src[off + c * stride + p]}. A plain loop over bytes that the
     * JIT vectorises (byte to long lanes).
     */
    private void accumulate(byte[] src, int off, int stride, int cc, int len, long[] acc0, long[] acc1) {
        int a0 = this.a0;
        int b0 = this.b0;
        int s1 = this.s1;
        for (int p = 0; p < len; p++) {
            acc0[p] = 0;
            acc1[p] = 0;
        }
        for (int c = 0; c < cc; c++) {
            int o = off + c * stride;
            for (int p = 0; p < len; p++) {
                int v = src[o + p] & 0xFF;
                acc0[p] |= (long) (((v >>> a0) | (v >>> b0)) & 1) << c;
                acc1[p] |= (long) ((v >>> s1) & 1) << c;
            }
        }
    }

    private void scatter(long[] acc0, long[] acc1, int len, int dst) {
        int step = planes * words;
        if (planes == 2) {
            for (int p = 0; p < len; p++, dst += step) {
                bits[dst] = acc0[p];
                bits[dst + words] = acc1[p];
            }
        } else {
            for (int p = 0; p < len; p++, dst += step) {
                bits[dst] = acc0[p];
            }
        }
    }

    /**
     * Quantizes and packs floats: each value is quantized once, into a per-row byte buffer
     * that is packed at once. The caller has checked for NaN.
     */
    void packFloats(float[] input, ActivationQuantizer q, Layout layout) {
        int hw = height * width;
        if (layout == Layout.NHWC) {
            byte[] row = new byte[channels + 8];
            for (int pixel = 0; pixel < batch * hw; pixel++) {
                q.codesAllowingNaN(input, pixel * channels, channels, row, 0);
                packPixel(row, 0, base(pixel));
            }
        } else {
            byte[] row = new byte[hw];
            NchwPacker packer = new NchwPacker(hw);
            for (int n = 0; n < batch; n++) {
                for (int cw = 0; cw < (channels + 63) >>> 6; cw++) {
                    int c0 = cw << 6;
                    int cc = Math.min(64, channels - c0);
                    for (int c = 0; c < cc; c++) {
                        q.codesAllowingNaN(input, (n * channels + c0 + c) * hw, hw, row, 0);
                        packer.channel(row, 0, c);
                    }
                    packer.store(n * hw, cw, cc);
                }
            }
        }
        zeroPadWords();
    }

    /** Zeroes the words past ceil(C / 64) of every pixel plane (present when words was padded further). */
    private void zeroPadWords() {
        int used = (channels + 63) >>> 6;
        if (used == words) {
            return;
        }
        int rows = batch * height * width * planes;
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(bits, r * words + used, (r + 1) * words, 0L);
        }
    }

    /** One NHWC pixel: {@code channels} codes from {@code src[off]} into the planes at {@code dst}. */
    private void packPixel(byte[] src, int off, int dst) {
        int end = off + channels;
        int a0 = this.a0;
        int b0 = this.b0;
        int s1 = this.s1;
        boolean two = planes == 2;
        for (int cw = 0, c = off; c < end; cw++) {
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
            bits[dst + cw] = w0;
            if (two) {
                bits[dst + words + cw] = w1;
            }
        }
    }

    /**
     * Packs NCHW channel rows of one 64-channel word: each channel row becomes one mask word
     * per 64 pixels and plane; {@link #store} transposes 64 x 64 blocks into pixel words.
     */
    private final class NchwPacker {
        private final int hw;
        private final int pixelWords;
        /** Per plane: [channel within the word][pixel word]. */
        private final long[] m0;
        private final long[] m1;
        private final long[] block = new long[64];

        NchwPacker(int hw) {
            this.hw = hw;
            this.pixelWords = (hw + 63) >>> 6;
            this.m0 = new long[64 * pixelWords];
            this.m1 = planes == 2 ? new long[64 * pixelWords] : null;
        }

        /** Channel {@code c} (within the word) from the {@code hw} codes at {@code src[off]}. */
        void channel(byte[] src, int off, int c) {
            int a0 = PixelPlanes.this.a0;
            int b0 = PixelPlanes.this.b0;
            int s1 = PixelPlanes.this.s1;
            long[] m0 = this.m0;
            long[] m1 = this.m1;
            int out = c * pixelWords;
            int end = off + hw;
            int p = off;
            for (int pw = 0; pw < pixelWords; pw++) {
                long w0 = 0;
                long w1 = 0;
                int stop = Math.min(end, p + 64);
                int shift = 0;
                for (; p + 8 <= stop; p += 8, shift += 8) {
                    long x = (long) LONGS.get(src, p);
                    w0 |= (((((x >>> a0) | (x >>> b0)) & L) * GATHER) >>> 56) << shift;
                    w1 |= ((((x >>> s1) & L) * GATHER) >>> 56) << shift;
                }
                for (; p < stop; p++, shift++) {
                    long x = src[p] & 0xFF;
                    w0 |= (((x >>> a0) | (x >>> b0)) & 1) << shift;
                    w1 |= ((x >>> s1) & 1) << shift;
                }
                m0[out + pw] = w0;
                if (m1 != null) {
                    m1[out + pw] = w1;
                }
            }
        }

        /** Transposes the masks of channels {@code [0, cc)} into word {@code cw} of pixels from {@code pixel0}. */
        void store(int pixel0, int cw, int cc) {
            for (int q = 0; q < planes; q++) {
                long[] m = q == 0 ? m0 : m1;
                for (int pw = 0; pw < pixelWords; pw++) {
                    long[] a = block;
                    for (int c = 0; c < cc; c++) {
                        a[c] = m[c * pixelWords + pw];
                    }
                    for (int c = cc; c < 64; c++) {
                        a[c] = 0;
                    }
                    transpose64(a);
                    int count = Math.min(64, hw - (pw << 6));
                    int dst = (pixel0 + (pw << 6)) * planes * words + q * words + cw;
                    int step = planes * words;
                    for (int j = 0; j < count; j++, dst += step) {
                        bits[dst] = a[j];
                    }
                }
            }
        }
    }

    /** In-place transpose of a 64 x 64 bit matrix: bit j of a[i] goes to bit i of a[j]. */
    static void transpose64(long[] a) {
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>= 1, m ^= (m << j)) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[k] >>> j) ^ a[k | j]) & m;
                a[k | j] ^= t;
                a[k] ^= t << j;
            }
        }
    }

    /**
     * ORs {@code len} bits of {@code src} starting at bit {@code srcBit} past {@code srcBase}
     * into {@code dst} at bit {@code dstBit} past {@code dstBase}, 64 bits per step (a shifted
     * word pair on each side). The destination bits must be 0; no word past the last source or
     * destination bit is touched.
     */
    static void orBits(long[] src, int srcBase, int srcBit, long[] dst, int dstBase, int dstBit, int len) {
        while (len > 0) {
            int n = Math.min(64, len);
            int sw = srcBase + (srcBit >>> 6);
            int s = srcBit & 63;
            long v = src[sw] >>> s;
            if (s + n > 64) {
                v |= src[sw + 1] << (64 - s);
            }
            if (n < 64) {
                v &= (1L << n) - 1;
            }
            int dw = dstBase + (dstBit >>> 6);
            int d = dstBit & 63;
            dst[dw] |= v << d;
            if (d + n > 64) {
                dst[dw + 1] |= v >>> (64 - d);
            }
            srcBit += n;
            dstBit += n;
            len -= n;
        }
    }
}

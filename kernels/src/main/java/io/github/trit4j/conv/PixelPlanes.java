package io.github.trit4j.conv;

import io.github.trit4j.Precision;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * An activation tensor quantized (if float) and packed once, per pixel: pixel
 * {@code (n, y, x)} holds its {@code C} channel codes as bit-planes of {@code words}
 * longs each (bit {@code c % 64} of word {@code c / 64}), in the same plane encoding as
 * {@link io.github.trit4j.PackedMatrix}. Im2col then copies bit ranges of these planes
 * straight into packed patch rows; no byte or float im2col matrix exists. The value 0 is
 * the all-zero pattern in every precision but BINARY, so untouched (padded) patch bits
 * are zero padding.
 *
 * <p>Not thread-safe; one instance per call.
 */
final class PixelPlanes {

    final Precision precision;
    final int planes;
    final int batch;
    final int channels;
    final int height;
    final int width;
    /** Longs per plane per pixel. */
    final int words;
    final long[] bits;

    private PixelPlanes(Precision precision, int batch, int channels, int height, int width) {
        this.precision = precision;
        this.planes = precision.planes();
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.words = (channels + 63) >>> 6;
        long size = (long) batch * height * width * planes * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed input of " + size + " longs does not fit a Java array");
        }
        this.bits = new long[(int) size];
    }

    /** Base index of pixel {@code pixel}'s plane 0. */
    int base(int pixel) {
        return pixel * planes * words;
    }

    /** Packs integer codes, rejecting values outside {@code precision} (the message names the index). */
    static PixelPlanes ofCodes(byte[] input, Precision precision, Layout layout, int n, int c, int h, int w) {
        PixelPlanes pp = new PixelPlanes(precision, n, c, h, w);
        int hw = h * w;
        for (int idx = 0; idx < input.length; idx++) {
            int v = input[idx];
            if (!precision.contains(v)) {
                throw new IllegalArgumentException("input[" + idx + "] = " + v + " is outside " + precision + " "
                        + precision.valueSet());
            }
        }
        if (layout == Layout.NHWC) {
            for (int pixel = 0, idx = 0; pixel < n * hw; pixel++) {
                int base = pp.base(pixel);
                for (int ch = 0; ch < c; ch++, idx++) {
                    pp.set(base, ch, input[idx]);
                }
            }
        } else {
            for (int b = 0, idx = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < hw; p++, idx++) {
                        pp.set(pp.base(b * hw + p), ch, input[idx]);
                    }
                }
            }
        }
        return pp;
    }

    /** Quantizes and packs floats in one pass; NaN is an IAE naming its index. */
    static PixelPlanes ofFloats(float[] input, ActivationQuantizer q, Layout layout, int n, int c, int h, int w) {
        for (int idx = 0; idx < input.length; idx++) {
            if (input[idx] != input[idx]) {
                throw new IllegalArgumentException("input[" + idx + "] is NaN");
            }
        }
        PixelPlanes pp = new PixelPlanes(q.precision(), n, c, h, w);
        int hw = h * w;
        if (layout == Layout.NHWC) {
            for (int pixel = 0, idx = 0; pixel < n * hw; pixel++) {
                int base = pp.base(pixel);
                for (int ch = 0; ch < c; ch++, idx++) {
                    pp.set(base, ch, q.code(input[idx]));
                }
            }
        } else {
            for (int b = 0, idx = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < hw; p++, idx++) {
                        pp.set(pp.base(b * hw + p), ch, q.code(input[idx]));
                    }
                }
            }
        }
        return pp;
    }

    /** Sets channel {@code ch} of the pixel at {@code base} to value {@code v} (already validated). */
    private void set(int base, int ch, int v) {
        int p0;
        int p1;
        switch (precision) {
            case BINARY -> { p0 = v < 0 ? 1 : 0; p1 = 0; }
            case TERNARY -> { p0 = v != 0 ? 1 : 0; p1 = v < 0 ? 1 : 0; }
            case TERNARY_UNSIGNED -> { p0 = v >= 1 ? 1 : 0; p1 = v >= 2 ? 1 : 0; }
            case TWO_BIT -> { p0 = v & 1; p1 = (v >> 1) & 1; }
            default -> throw new AssertionError(precision);
        }
        int word = base + (ch >>> 6);
        long bit = 1L << ch;
        if (p0 != 0) {
            bits[word] |= bit;
        }
        if (p1 != 0) {
            bits[word + words] |= bit;
        }
    }

    /**
     * ORs {@code len} bits of {@code src} starting at bit {@code srcBit} past {@code srcBase}
     * into {@code dst} at bit {@code dstBit} past {@code dstBase}. The destination bits must be 0.
     */
    static void copyBits(long[] src, int srcBase, int srcBit, long[] dst, int dstBase, int dstBit, int len) {
        while (len > 0) {
            int d = dstBit & 63;
            int n = Math.min(len, 64 - d);
            int sw = srcBase + (srcBit >>> 6);
            int s = srcBit & 63;
            long v = src[sw] >>> s;
            if (s + n > 64) {
                v |= src[sw + 1] << (64 - s);
            }
            if (n < 64) {
                v &= (1L << n) - 1;
            }
            dst[dstBase + (dstBit >>> 6)] |= v << d;
            srcBit += n;
            dstBit += n;
            len -= n;
        }
    }
}

package io.github.trit4j.conv;

import io.github.trit4j.Precision;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.internal.kernel.CodeMasks;
import io.github.trit4j.internal.kernel.KernelProvider;
import io.github.trit4j.quant.ActivationQuantizer;


/**
 * An activation tensor quantized (if float) and packed once, per pixel: pixel
 * {@code (n, y, x)} holds its {@code C} channel codes as bit-planes of {@code words}
 * longs each (bit {@code c % 64} of word {@code c / 64}), in the same plane encoding as
 * {@link io.github.trit4j.PackedMatrix}, one row per pixel of a {@link PlaneLayout}:
 * <ul>
 *   <li>{@link PlaneLayout#rows rows} with {@code words = PackedMatrix.wordsPerRowFor(C)}: a packed
 *   matrix with one row per pixel, which a 1x1 stride-1 convolution hands to the GEMM as it is;
 *   with {@code words = ceil(C / 64)}, what im2col reads when channel groups do not fill whole
 *   words (shifted word pairs need a pixel's words adjacent);</li>
 *   <li>{@link PlaneLayout#wordMajor word-major}, what im2col reads when groups fill whole
 *   words: consecutive pixels are adjacent, so a run of patch rows copies a run of words;</li>
 *   <li>{@link PlaneLayout#panels panels}, for the 1x1 stride-1 convolution on an engine that
 *   reads column panels.</li>
 * </ul>
 * No byte or float im2col matrix exists.
 *
 * <p>Codes become plane words through {@link CodeMasks} (a vector compare per 64 codes where
 * the vector module is present). NHWC rows give channel words directly; NCHW rows give one
 * word per 64 pixels of a channel, and 64 x 64 bit-matrix transposes ({@link CodeMasks#transpose64},
 * on vectors where the vector module is present) turn those into channel words per pixel. Every word of the layout's {@code size()} prefix of {@code bits} is
 * written, so the array may be reused between calls without clearing.
 *
 * <p>Not thread-safe: one instance per thread's buffers, reused by that thread's calls of the same
 * sizes (it holds no per-call state but its NCHW packer's block, which each store overwrites).
 */
final class PixelPlanes {

    final Precision precision;
    final int planes;
    final int batch;
    final int channels;
    final int height;
    final int width;
    final long[] bits;
    /** Where each pixel's words sit (one row per pixel). */
    final PlaneLayout layout;
    /** Distance between a pixel's planes, and between its consecutive words of one plane. */
    final int planeStride;
    final int wordStride;
    /** The engine whose shape packs: its {@link CodeMasks} for codes, and the quantizer's floats through it. */
    private final GemmEngine engine;
    /** Codes to plane words (and im2col's runs): the ISA-specific step, of {@link #engine}'s shape. */
    final CodeMasks masks;
    /** The NCHW packer's channel masks, {@link #scratchSize} longs: per plane, a 64 x 64 block per 64 pixels. */
    private final long[] scratch;
    /** Made on the first NCHW pack and kept, so that repeated calls allocate nothing. */
    private NchwPacker nchw;

    /**
     * @param layout  one row per pixel ({@code batch * height * width}), {@code precision.planes()}
     *                planes of at least {@code ceil(channels / 64)} words
     * @param bits    at least {@code layout.size()} longs; any content
     * @param engine  the engine the planes are for; its shape packs them
     * @param scratch at least {@link #scratchSize scratchSize(height * width)} longs; any content
     */
    PixelPlanes(Precision precision, int batch, int channels, int height, int width, PlaneLayout layout,
                long[] bits, GemmEngine engine, long[] scratch) {
        this.engine = engine;
        this.masks = KernelProvider.codeMasks(engine.isa());
        this.scratch = scratch;
        this.precision = precision;
        this.planes = precision.planes();
        this.layout = layout;
        this.planeStride = layout.planeStride();
        this.wordStride = layout.wordStride();
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.bits = bits;
    }

    /** Longs of scratch the NCHW packer needs for images of {@code hw} pixels: 64 channel rows per plane. */
    static int scratchSize(int hw) {
        return 2 * 64 * ((hw + 63) >>> 6);
    }

    /** Index of pixel {@code pixel}'s word 0 of plane 0. */
    int origin(int pixel) {
        return layout.origin(pixel);
    }

    /**
     * Packs integer codes, checking them on the way.
     *
     * @throws IllegalArgumentException naming the index of the first code outside the precision
     */
    void packCodes(byte[] input, Layout layout) {
        int hw = height * width;
        if (layout == Layout.NHWC) {
            for (int pixel = 0; pixel < batch * hw; pixel++) {
                rejectCode(input, packPixel(input, pixel * channels, origin(pixel)));
            }
        } else {
            NchwPacker packer = nchwPacker();
            for (int n = 0; n < batch; n++) {
                for (int cw = 0; cw < (channels + 63) >>> 6; cw++) {
                    int c0 = cw << 6;
                    int cc = Math.min(64, channels - c0);
                    for (int c = 0; c < cc; c++) {
                        rejectCode(input, packer.channel(input, (n * channels + c0 + c) * hw, c));
                    }
                    packer.store(scratch, 0, 64 * packer.pixelWords, n * hw, cw, cc);
                }
            }
        }
        zeroPadding();
    }

    /**
     * Quantizes and packs floats: each value is quantized once, straight into plane words
     * ({@link ActivationQuantizer#packPlanes}).
     *
     * @throws IllegalArgumentException naming the index of a NaN input
     */
    void packFloats(float[] input, ActivationQuantizer q, Layout layout) {
        int hw = height * width;
        if (layout == Layout.NHWC) {
            for (int pixel = 0; pixel < batch * hw; pixel++) {
                int dst = origin(pixel);
                rejectNaN(q.packPlanes(engine, input, pixel * channels, channels, bits, dst, bits, dst + planeStride,
                        wordStride));
            }
        } else {
            NchwPacker packer = nchwPacker();
            for (int n = 0; n < batch; n++) {
                for (int cw = 0; cw < (channels + 63) >>> 6; cw++) {
                    int c0 = cw << 6;
                    int cc = Math.min(64, channels - c0);
                    for (int c = 0; c < cc; c++) {
                        rejectNaN(packer.channel(input, (n * channels + c0 + c) * hw, c, q));
                    }
                    packer.store(scratch, 0, 64 * packer.pixelWords, n * hw, cw, cc);
                }
            }
        }
        zeroPadding();
    }

    /**
     * Packs channel masks that a fused epilogue wrote ({@link ConvInput}): for 64-channel word
     * {@code cw}, plane {@code q}, pixel word {@code pw} and channel {@code c} within the word, the
     * mask of 64 pixels at {@code masks[maskIndex(cw, q, pw, c)]} (bit {@code j}: pixel
     * {@code 64 pw + j}). One image only. The masks are transposed in place (their content is then
     * undefined).
     */
    void packMasks(long[] masks) {
        assert batch == 1 : "one image";
        NchwPacker packer = nchwPacker();
        for (int cw = 0; cw < (channels + 63) >>> 6; cw++) {
            int cc = Math.min(64, channels - (cw << 6));
            int base = maskIndex(cw, 0, 0, 0);
            packer.store(masks, base, base + 64 * packer.pixelWords, 0, cw, cc);
        }
        zeroPadding();
    }

    /** Index of {@link #packMasks}'s mask of channel {@code c} (within word {@code cw}), plane {@code q}, pixel word {@code pw}. */
    int maskIndex(int cw, int q, int pw, int c) {
        int pixelWords = (height * width + 63) >>> 6;
        return ((cw * planes + q) * pixelWords + pw) * 64 + c;
    }

    /**
     * Quantizes {@code len} floats from {@code src[off]} into masks of {@link #packMasks}'s layout
     * from {@code masks[at]} (plane 0) on, one mask per 64 values (stride 64); a NaN's index or -1.
     */
    int quantizeMasks(float[] src, int off, int len, ActivationQuantizer q, long[] masks, int at) {
        int pixelWords = (height * width + 63) >>> 6;
        return q.packPlanes(engine, src, off, len, masks, at, masks, at + 64 * pixelWords, 64);
    }

    /** Longs of {@link #packMasks}'s masks. */
    int masksSize() {
        return maskIndex((channels + 63) >>> 6, 0, 0, 0);
    }

    private static void rejectNaN(int index) {
        if (index >= 0) {
            throw new IllegalArgumentException("input[" + index + "] is NaN");
        }
    }

    /**
     * Zeroes what no pixel's channels fill: the words past ceil(C / 64) of every pixel plane
     * (rows padded further), and the lanes past the last pixel of the last panel.
     */
    private void zeroPadding() {
        int pixels = batch * height * width;
        layout.zeroRowsFrom(bits, pixels);
        int words = layout.words();
        int used = (channels + 63) >>> 6;
        if (used == words) {
            return;
        }
        assert layout.wordStride() == 1 && layout.lanes() == 0 : "only rows are padded past ceil(C / 64)";
        int rows = pixels * planes;
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(bits, r * words + used, (r + 1) * words, 0L);
        }
    }

    /** One NHWC pixel: {@code channels} codes from {@code src[off]} into the planes at {@code dst}; see {@link CodeMasks#masks}. */
    private int packPixel(byte[] src, int off, int dst) {
        return masks.masks(src, off, channels, precision, bits, dst, bits, dst + planeStride, wordStride);
    }

    private void rejectCode(byte[] input, int index) {
        if (index >= 0) {
            throw new IllegalArgumentException("input[" + index + "] = " + input[index] + " is outside " + precision
                    + " " + precision.valueSet());
        }
    }

    private NchwPacker nchwPacker() {
        if (nchw == null) {
            nchw = new NchwPacker(height * width);
        }
        return nchw;
    }

    /**
     * Packs NCHW channel rows of one 64-channel word: each channel row becomes one mask word
     * per 64 pixels and plane, written so that the 64 channels' words of 64 pixels are one block;
     * {@link #store} transposes each block in place into the 64 pixels' channel words
     * ({@link CodeMasks#transpose64}) and copies them out.
     */
    private final class NchwPacker {
        private final int hw;
        private final int pixelWords;
        /** Per plane: [pixel word][channel within the word]; both in {@code scratch}. */
        private final long[] m0;
        private final long[] m1;
        private final int at1;

        NchwPacker(int hw) {
            this.hw = hw;
            this.pixelWords = (hw + 63) >>> 6;
            this.m0 = scratch;
            this.m1 = scratch;
            this.at1 = 64 * pixelWords;
        }

        /** Channel {@code c} (within the word) from the {@code hw} codes at {@code src[off]}; a bad code's index or -1. */
        int channel(byte[] src, int off, int c) {
            return masks.masks(src, off, hw, precision, m0, c, m1, at1 + c, 64);
        }

        /** Channel {@code c} from the {@code hw} floats at {@code src[off]}; a NaN's index or -1. */
        int channel(float[] src, int off, int c, ActivationQuantizer q) {
            return q.packPlanes(engine, src, off, hw, m0, c, m1, at1 + c, 64);
        }

        /**
         * Transposes the masks of channels {@code [0, cc)} in {@code m} (plane 0's blocks from {@code mq0},
         * plane 1's from {@code mq1}) into word {@code cw} of pixels from {@code pixel0}.
         */
        void store(long[] m, int mq0, int mq1, int pixel0, int cw, int cc) {
            // word-major pixels: one plane word of consecutive pixels is a run
            boolean runs = layout.lanes() == 0 && wordStride != 1;
            for (int q = 0; q < planes; q++) {
                int mq = q == 0 ? mq0 : mq1;
                int word = q * planeStride + cw * wordStride;
                for (int pw = 0; pw < pixelWords; pw++) {
                    int block = mq + (pw << 6);
                    if (cc < 64) {
                        java.util.Arrays.fill(m, block + cc, block + 64, 0L);
                    }
                    masks.transpose64(m, block);
                    int count = Math.min(64, hw - (pw << 6));
                    int first = pixel0 + (pw << 6);
                    if (runs) {
                        System.arraycopy(m, block, bits, origin(first) + word, count);
                    } else {
                        for (int j = 0; j < count; j++) {
                            bits[origin(first + j) + word] = m[block + j];
                        }
                    }
                }
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

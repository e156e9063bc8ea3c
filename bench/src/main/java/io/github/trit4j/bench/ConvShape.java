package io.github.trit4j.bench;

import io.github.trit4j.conv.Conv2dSpec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The geometry of a convolution workload of the study: batch 1, square kernel, one group,
 * dilation 1, input NCHW. As a GEMM it is (M, N, K) = (out channels, output pixels,
 * in channels * kernel^2).
 *
 * @param channels    input channels C
 * @param height      input height H
 * @param width       input width W
 * @param outChannels output channels O
 * @param kernel      kernel size (kernel x kernel)
 * @param stride      stride on both axes
 * @param pad         zero padding on both axes
 */
public record ConvShape(int channels, int height, int width, int outChannels, int kernel, int stride, int pad) {

    /** {@link #id()}'s syntax: {@code conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad>}. */
    static final Pattern ID = Pattern.compile("conv(\\d+)x(\\d+)x(\\d+)o(\\d+)k(\\d+)s(\\d+)p(\\d+)",
            Pattern.CASE_INSENSITIVE);

    /**
     * Checks the geometry.
     *
     * @throws IllegalArgumentException naming the parameter if one is out of range, the output is empty
     *                                  or an operand would not fit a Java array
     */
    public ConvShape {
        positive("channels", channels);
        positive("height", height);
        positive("width", width);
        positive("outChannels", outChannels);
        positive("kernel", kernel);
        positive("stride", stride);
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be >= 0, got " + pad);
        }
        if (height + 2L * pad < kernel || width + 2L * pad < kernel) {
            throw new IllegalArgumentException("input " + height + "x" + width + " with padding " + pad
                    + " is smaller than the " + kernel + "x" + kernel + " kernel: the output would be empty");
        }
        long k = (long) channels * kernel * kernel;
        long n = (long) ((height + 2L * pad - kernel) / stride + 1) * ((width + 2L * pad - kernel) / stride + 1);
        long limit = Integer.MAX_VALUE / 4;
        if ((long) channels * height * width > limit || k * outChannels > limit || k * n > limit
                || n * outChannels > limit) {
            throw new IllegalArgumentException("convolution " + channels + "x" + height + "x" + width + " -> "
                    + outChannels + ": input, weights, im2col matrix and output must each be under 2^29 elements");
        }
    }

    /** Parses {@link #id()}'s syntax; null if {@code text} is not in it. */
    static ConvShape parseId(String text) {
        Matcher m = ID.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        int[] v = new int[7];
        for (int i = 0; i < 7; i++) {
            try {
                v[i] = Integer.parseInt(m.group(i + 1));
            } catch (NumberFormatException tooLarge) {
                throw new IllegalArgumentException("workload " + text + ": a number is too large");
            }
        }
        return new ConvShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    /** Output height. */
    public int outHeight() {
        return (height + 2 * pad - kernel) / stride + 1;
    }

    /** Output width. */
    public int outWidth() {
        return (width + 2 * pad - kernel) / stride + 1;
    }

    /** GEMM rows: output channels. */
    public int m() {
        return outChannels;
    }

    /** GEMM columns: output pixels. */
    public int n() {
        return outHeight() * outWidth();
    }

    /** Reduction length: {@code channels * kernel^2}. */
    public int k() {
        return channels * kernel * kernel;
    }

    /** trit4j's spec of this convolution. */
    public Conv2dSpec spec() {
        return Conv2dSpec.of(channels, outChannels, kernel, kernel).stride(stride).padding(pad);
    }

    /** The workload name of a user's convolution, e.g. {@code conv64x56x56o64k3s1p1}. */
    public String id() {
        return String.format(Locale.ROOT, "conv%dx%dx%do%dk%ds%dp%d", channels, height, width, outChannels, kernel,
                stride, pad);
    }

    /** {@code "64x56x56 3x3 s1 p1 -> 64"}: input C x H x W, kernel, stride, padding, output channels. */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%dx%d %dx%d s%d p%d -> %d", channels, height, width, kernel, kernel,
                stride, pad, outChannels);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }
}

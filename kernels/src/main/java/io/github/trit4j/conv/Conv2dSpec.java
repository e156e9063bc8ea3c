package io.github.trit4j.conv;

/**
 * The geometry of a 2-D convolution, as in PyTorch's {@code Conv2d}: channels, kernel size,
 * stride, zero padding, dilation and groups. Output size per axis is
 * {@code floor((in + 2*pad - dilation*(kernel - 1) - 1) / stride) + 1} (trailing rows a stride
 * does not reach are ignored, as in PyTorch); an input too small for one output is rejected.
 *
 * <p>Weights are {@code OIHW}: {@code [outChannels][inChannels/groups][kernelH][kernelW]}.
 * Groups split input and output channels into {@code groups} equal parts; group {@code g}'s
 * outputs see only its inputs; {@code groups == inChannels} is a depthwise convolution.
 *
 * <p>Immutable and thread-safe; the {@code with}-style methods return new instances.
 */
public final class Conv2dSpec {

    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int dilationH;
    private final int dilationW;
    private final int groups;

    private Conv2dSpec(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW, int groups) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.groups = groups;
    }

    /**
     * A convolution with stride 1, no padding, dilation 1 and one group.
     *
     * @param inChannels  input channels C, at least 1
     * @param outChannels output channels O, at least 1
     * @param kernelH     kernel height, at least 1
     * @param kernelW     kernel width, at least 1
     * @return the spec
     * @throws IllegalArgumentException naming the parameter if one is below 1
     */
    public static Conv2dSpec of(int inChannels, int outChannels, int kernelH, int kernelW) {
        positive("inChannels", inChannels);
        positive("outChannels", outChannels);
        positive("kernelH", kernelH);
        positive("kernelW", kernelW);
        return new Conv2dSpec(inChannels, outChannels, kernelH, kernelW, 1, 1, 0, 0, 1, 1, 1);
    }

    /**
     * The same with one stride on both axes.
     *
     * @param s the stride, at least 1
     * @return a new spec
     * @throws IllegalArgumentException if {@code s < 1}
     */
    public Conv2dSpec stride(int s) {
        return stride(s, s);
    }

    /**
     * The same with a stride per axis.
     *
     * @param sh the vertical stride, at least 1
     * @param sw the horizontal stride, at least 1
     * @return a new spec
     * @throws IllegalArgumentException naming the stride below 1
     */
    public Conv2dSpec stride(int sh, int sw) {
        positive("strideH", sh);
        positive("strideW", sw);
        return new Conv2dSpec(inChannels, outChannels, kernelH, kernelW, sh, sw, padH, padW, dilationH, dilationW,
                groups);
    }

    /**
     * The same with one zero padding on all four sides.
     *
     * @param p the padding, at least 0
     * @return a new spec
     * @throws IllegalArgumentException if {@code p < 0}
     */
    public Conv2dSpec padding(int p) {
        return padding(p, p);
    }

    /**
     * The same with zero padding per axis.
     *
     * @param ph rows of zeros above and below, at least 0
     * @param pw columns of zeros left and right, at least 0
     * @return a new spec
     * @throws IllegalArgumentException naming the padding below 0
     */
    public Conv2dSpec padding(int ph, int pw) {
        if (ph < 0) {
            throw new IllegalArgumentException("padH must be >= 0, got " + ph);
        }
        if (pw < 0) {
            throw new IllegalArgumentException("padW must be >= 0, got " + pw);
        }
        return new Conv2dSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, ph, pw, dilationH,
                dilationW, groups);
    }

    /**
     * The same with one dilation on both axes.
     *
     * @param d the dilation, at least 1
     * @return a new spec
     * @throws IllegalArgumentException if {@code d < 1}
     */
    public Conv2dSpec dilation(int d) {
        return dilation(d, d);
    }

    /**
     * The same with a dilation per axis.
     *
     * @param dh the vertical dilation, at least 1
     * @param dw the horizontal dilation, at least 1
     * @return a new spec
     * @throws IllegalArgumentException naming the dilation below 1
     */
    public Conv2dSpec dilation(int dh, int dw) {
        positive("dilationH", dh);
        positive("dilationW", dw);
        return new Conv2dSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dh, dw,
                groups);
    }

    /**
     * The same with {@code g} groups: group {@code i} convolves input channels
     * {@code [i C/g, (i+1) C/g)} into output channels {@code [i O/g, (i+1) O/g)}.
     *
     * @param g the number of groups, at least 1, dividing both channel counts
     * @return a new spec
     * @throws IllegalArgumentException if {@code g < 1} or does not divide both channel counts
     */
    public Conv2dSpec groups(int g) {
        positive("groups", g);
        if (inChannels % g != 0) {
            throw new IllegalArgumentException("groups = " + g + " does not divide inChannels = " + inChannels);
        }
        if (outChannels % g != 0) {
            throw new IllegalArgumentException("groups = " + g + " does not divide outChannels = " + outChannels);
        }
        return new Conv2dSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dilationH,
                dilationW, g);
    }

    /**
     * Input channels C.
     *
     * @return the input channel count
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Output channels O.
     *
     * @return the output channel count
     */
    public int outChannels() {
        return outChannels;
    }

    /**
     * Kernel height.
     *
     * @return the kernel's rows
     */
    public int kernelH() {
        return kernelH;
    }

    /**
     * Kernel width.
     *
     * @return the kernel's columns
     */
    public int kernelW() {
        return kernelW;
    }

    /**
     * Vertical stride.
     *
     * @return the step between output rows, in input rows
     */
    public int strideH() {
        return strideH;
    }

    /**
     * Horizontal stride.
     *
     * @return the step between output columns, in input columns
     */
    public int strideW() {
        return strideW;
    }

    /**
     * Vertical zero padding.
     *
     * @return rows of zeros above and below the input
     */
    public int padH() {
        return padH;
    }

    /**
     * Horizontal zero padding.
     *
     * @return columns of zeros left and right of the input
     */
    public int padW() {
        return padW;
    }

    /**
     * Vertical dilation.
     *
     * @return the distance between kernel rows, in input rows
     */
    public int dilationH() {
        return dilationH;
    }

    /**
     * Horizontal dilation.
     *
     * @return the distance between kernel columns, in input columns
     */
    public int dilationW() {
        return dilationW;
    }

    /**
     * Number of groups.
     *
     * @return the group count, dividing both channel counts
     */
    public int groups() {
        return groups;
    }

    /**
     * Input channels per group.
     *
     * @return {@code inChannels() / groups()}
     */
    public int inChannelsPerGroup() {
        return inChannels / groups;
    }

    /**
     * Output channels per group.
     *
     * @return {@code outChannels() / groups()}
     */
    public int outChannelsPerGroup() {
        return outChannels / groups;
    }

    /**
     * The GEMM reduction length K per group.
     *
     * @return {@code kernelH * kernelW * inChannels / groups}
     * @throws IllegalArgumentException if that is too large for a packed row
     */
    public int patchLength() {
        long k = (long) kernelH * kernelW * inChannelsPerGroup();
        if (k > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("kernelH * kernelW * inChannels / groups = " + k + " is too large");
        }
        return (int) k;
    }

    /**
     * Length of the OIHW weight tensor.
     *
     * @return {@code outChannels * inChannels/groups * kernelH * kernelW}
     * @throws IllegalArgumentException if that does not fit a Java array
     */
    public int weightLength() {
        long len = (long) outChannels * patchLength();
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("weight tensor of " + len + " values does not fit a Java array");
        }
        return (int) len;
    }

    /**
     * Output height for an input height.
     *
     * @param height the input height
     * @return {@code (height + 2 padH - dilationH (kernelH - 1) - 1) / strideH + 1}
     * @throws IllegalArgumentException naming {@code height} if it is below 1, gives no output row,
     *                                  or with the padding exceeds {@code Integer.MAX_VALUE}
     */
    public int outputHeight(int height) {
        return outputSize("height", height, padH, dilationH, kernelH, strideH);
    }

    /**
     * Output width for an input width.
     *
     * @param width the input width
     * @return {@code (width + 2 padW - dilationW (kernelW - 1) - 1) / strideW + 1}
     * @throws IllegalArgumentException naming {@code width} if it is below 1, gives no output column,
     *                                  or with the padding exceeds {@code Integer.MAX_VALUE}
     */
    public int outputWidth(int width) {
        return outputSize("width", width, padW, dilationW, kernelW, strideW);
    }

    private static int outputSize(String name, int in, int pad, int dilation, int kernel, int stride) {
        if (in < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + in);
        }
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = in + 2L * pad;
        if (padded > Integer.MAX_VALUE) {
            // every coordinate of the padded image is an int in the convolution's loops
            throw new IllegalArgumentException(name + " = " + in + " with padding " + pad + " on both sides is "
                    + padded + ", beyond int: the padded " + name + " must be at most " + Integer.MAX_VALUE);
        }
        if (padded < span) {
            throw new IllegalArgumentException(name + " = " + in + " with padding " + pad + " is smaller than the"
                    + " dilated kernel (" + span + "): the output would be empty");
        }
        return (int) ((padded - span) / stride + 1);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    /**
     * Two specs are equal when every size, stride, padding, dilation and group count is.
     *
     * @param o the other object
     * @return whether {@code o} is a {@code Conv2dSpec} describing the same convolution
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2dSpec s && inChannels == s.inChannels && outChannels == s.outChannels
                && kernelH == s.kernelH && kernelW == s.kernelW && strideH == s.strideH && strideW == s.strideW
                && padH == s.padH && padW == s.padW && dilationH == s.dilationH && dilationW == s.dilationW
                && groups == s.groups;
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of all eleven parameters
     */
    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(new int[] {inChannels, outChannels, kernelH, kernelW, strideH, strideW,
                padH, padW, dilationH, dilationW, groups});
    }

    /**
     * Every parameter, for messages and logs.
     *
     * @return for example {@code Conv2dSpec[in 64, out 64, kernel 3x3, stride 1x1, pad 1x1, dilation 1x1, groups 1]}
     */
    @Override
    public String toString() {
        return "Conv2dSpec[in " + inChannels + ", out " + outChannels + ", kernel " + kernelH + "x" + kernelW
                + ", stride " + strideH + "x" + strideW + ", pad " + padH + "x" + padW + ", dilation " + dilationH
                + "x" + dilationW + ", groups " + groups + "]";
    }
}

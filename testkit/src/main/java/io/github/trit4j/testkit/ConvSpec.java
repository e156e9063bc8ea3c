package io.github.trit4j.testkit;

/**
 * The geometry of a 2-D convolution, as in PyTorch's {@code Conv2d}: channels, kernel, stride,
 * zero padding, dilation and groups. Output size per axis is
 * {@code floor((in + 2*pad - dilation*(kernel - 1) - 1) / stride) + 1}. Weights are {@code OIHW}:
 * {@code [outChannels][inChannels/groups][kernelH][kernelW]}; group {@code g}'s outputs see only
 * its inputs, and {@code groups == inChannels} is a depthwise convolution.
 *
 * <p>Immutable and thread-safe; the {@code stride}, {@code padding}, {@code dilation} and
 * {@code groups} methods return new instances.
 *
 * @param inChannels  input channels, at least 1
 * @param outChannels output channels, at least 1
 * @param kernelH     kernel height, at least 1
 * @param kernelW     kernel width, at least 1
 * @param strideH     vertical stride, at least 1
 * @param strideW     horizontal stride, at least 1
 * @param padH        zero rows above and below, at least 0
 * @param padW        zero columns left and right, at least 0
 * @param dilationH   vertical tap spacing, at least 1
 * @param dilationW   horizontal tap spacing, at least 1
 * @param groups      groups, at least 1, dividing both channel counts
 */
public record ConvSpec(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW, int groups) {

    /**
     * Checks every parameter.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelH     kernel height
     * @param kernelW     kernel width
     * @param strideH     vertical stride
     * @param strideW     horizontal stride
     * @param padH        vertical padding
     * @param padW        horizontal padding
     * @param dilationH   vertical dilation
     * @param dilationW   horizontal dilation
     * @param groups      groups
     * @throws IllegalArgumentException naming the first bad parameter
     */
    public ConvSpec {
        positive("inChannels", inChannels);
        positive("outChannels", outChannels);
        positive("kernelH", kernelH);
        positive("kernelW", kernelW);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilationH", dilationH);
        positive("dilationW", dilationW);
        positive("groups", groups);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be at least 0, got " + padH + "x" + padW);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups " + groups + " must divide inChannels " + inChannels
                    + " and outChannels " + outChannels);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    /**
     * Stride 1, no padding, dilation 1, one group.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelH     kernel height
     * @param kernelW     kernel width
     * @return the spec
     * @throws IllegalArgumentException naming the parameter if one is below 1
     */
    public static ConvSpec of(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, 1, 1, 0, 0, 1, 1, 1);
    }

    /**
     * This spec with another stride.
     *
     * @param sh vertical stride
     * @param sw horizontal stride
     * @return the new spec
     */
    public ConvSpec stride(int sh, int sw) {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, sh, sw, padH, padW, dilationH, dilationW, groups);
    }

    /**
     * This spec with another zero padding.
     *
     * @param ph vertical padding
     * @param pw horizontal padding
     * @return the new spec
     */
    public ConvSpec padding(int ph, int pw) {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, ph, pw, dilationH, dilationW, groups);
    }

    /**
     * This spec with another dilation.
     *
     * @param dh vertical dilation
     * @param dw horizontal dilation
     * @return the new spec
     */
    public ConvSpec dilation(int dh, int dw) {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dh, dw, groups);
    }

    /**
     * This spec with another group count.
     *
     * @param g groups
     * @return the new spec
     */
    public ConvSpec groups(int g) {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /**
     * Input channels per group.
     *
     * @return {@code inChannels / groups}
     */
    public int inChannelsPerGroup() {
        return inChannels / groups;
    }

    /**
     * Output channels per group.
     *
     * @return {@code outChannels / groups}
     */
    public int outChannelsPerGroup() {
        return outChannels / groups;
    }

    /**
     * Values per output channel's weights.
     *
     * @return {@code inChannelsPerGroup * kernelH * kernelW}
     */
    public int patchLength() {
        return inChannelsPerGroup() * kernelH * kernelW;
    }

    /**
     * Output height for an input height.
     *
     * @param height input height
     * @return output height, at least 1
     * @throws IllegalArgumentException if the input is too small for one output row
     */
    public int outputHeight(int height) {
        return outputSize("height", height, kernelH, strideH, padH, dilationH);
    }

    /**
     * Output width for an input width.
     *
     * @param width input width
     * @return output width, at least 1
     * @throws IllegalArgumentException if the input is too small for one output column
     */
    public int outputWidth(int width) {
        return outputSize("width", width, kernelW, strideW, padW, dilationW);
    }

    private static int outputSize(String axis, int in, int kernel, int stride, int pad, int dilation) {
        int span = in + 2 * pad - dilation * (kernel - 1) - 1;
        if (in < 1 || span < 0) {
            throw new IllegalArgumentException("input " + axis + " " + in + " too small for kernel " + kernel
                    + " with pad " + pad + " and dilation " + dilation);
        }
        return span / stride + 1;
    }

    /**
     * Every parameter, for messages.
     *
     * @return for example {@code conv[in 3, out 2, kernel 3x3, stride 1x1, pad 1x1, dilation 1x1, groups 1]}
     */
    @Override
    public String toString() {
        return "conv[in " + inChannels + ", out " + outChannels + ", kernel " + kernelH + "x" + kernelW
                + ", stride " + strideH + "x" + strideW + ", pad " + padH + "x" + padW + ", dilation " + dilationH
                + "x" + dilationW + ", groups " + groups + "]";
    }
}

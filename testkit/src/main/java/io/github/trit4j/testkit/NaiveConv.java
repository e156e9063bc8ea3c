package io.github.trit4j.testkit;

/**
 * The convolution oracle: a direct loop over output, channel and tap with zero padding (no
 * im2col, no packing), and the layout conversions the kit needs. Stateless and thread-safe.
 */
public final class NaiveConv {

    private NaiveConv() {
    }

    /**
     * Direct convolution of an NCHW input with OIHW weights; padded taps contribute 0 whatever
     * the value sets.
     *
     * @param s       the geometry
     * @param input   {@code batch x inChannels x h x w} values, NCHW
     * @param weights {@code outChannels x patchLength} values, OIHW
     * @param batch   images
     * @param h       input height
     * @param w       input width
     * @return {@code batch x outChannels x outputHeight x outputWidth} sums, NCHW
     * @throws IllegalArgumentException if an array's length is not its shape's
     */
    public static int[] convolve(ConvSpec s, byte[] input, byte[] weights, int batch, int h, int w) {
        if (input.length != (long) batch * s.inChannels() * h * w
                || weights.length != (long) s.outChannels() * s.patchLength()) {
            throw new IllegalArgumentException("input of length " + input.length + " or weights of length "
                    + weights.length + " do not fit " + s + " batch " + batch + " " + h + "x" + w);
        }
        int oh = s.outputHeight(h);
        int ow = s.outputWidth(w);
        int cg = s.inChannelsPerGroup();
        int mg = s.outChannelsPerGroup();
        int cin = s.inChannels();
        int[] out = new int[batch * s.outChannels() * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        long acc = 0;
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < s.kernelH(); i++) {
                                int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int ix = ox * s.strideW() - s.padW() + j * s.dilationW();
                                    int x = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0
                                            : input[((n * cin + g * cg + c) * h + iy) * w + ix];
                                    acc += weights[((o * cg + c) * s.kernelH() + i) * s.kernelW() + j] * x;
                                }
                            }
                        }
                        out[((n * s.outChannels() + o) * oh + oy) * ow + ox] = Math.toIntExact(acc);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Where each NHWC element comes from in NCHW: {@code nhwc[i] = nchw[map[i]]}.
     *
     * @param batch images
     * @param c     channels
     * @param h     height
     * @param w     width
     * @return the index map
     */
    public static int[] nhwcIndex(int batch, int c, int h, int w) {
        int[] map = new int[batch * c * h * w];
        for (int n = 0; n < batch; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        map[((n * h + y) * w + x) * c + ch] = ((n * c + ch) * h + y) * w + x;
                    }
                }
            }
        }
        return map;
    }

    /**
     * NCHW codes to NHWC.
     *
     * @param nchw  the tensor, NCHW
     * @param batch images
     * @param c     channels
     * @param h     height
     * @param w     width
     * @return a new array, NHWC
     */
    public static byte[] toNhwc(byte[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        byte[] out = new byte[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }

    /**
     * NCHW floats to NHWC.
     *
     * @param nchw  the tensor, NCHW
     * @param batch images
     * @param c     channels
     * @param h     height
     * @param w     width
     * @return a new array, NHWC
     */
    public static float[] toNhwc(float[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        float[] out = new float[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }

    /**
     * NCHW sums to NHWC.
     *
     * @param nchw  the tensor, NCHW
     * @param batch images
     * @param c     channels
     * @param h     height
     * @param w     width
     * @return a new array, NHWC
     */
    public static int[] toNhwc(int[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        int[] out = new int[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }
}

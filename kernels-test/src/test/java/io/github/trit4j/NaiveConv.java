package io.github.trit4j;

import io.github.trit4j.conv.Conv2dSpec;

/** The convolution oracle: a direct loop over output, channel and tap, with zero padding; no im2col. Tests only. */
final class NaiveConv {

    private NaiveConv() {
    }

    /** Direct convolution of NCHW {@code input} with OIHW {@code weights}; NCHW out. */
    static long[] convolve(Conv2dSpec s, long[] input, long[] weights, int batch, int h, int w) {
        int oh = s.outputHeight(h);
        int ow = s.outputWidth(w);
        int cg = s.inChannelsPerGroup();
        int mg = s.outChannelsPerGroup();
        int cin = s.inChannels();
        long[] out = new long[batch * s.outChannels() * oh * ow];
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
                                    long x = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0
                                            : input[((n * cin + g * cg + c) * h + iy) * w + ix];
                                    acc += weights[((o * cg + c) * s.kernelH() + i) * s.kernelW() + j] * x;
                                }
                            }
                        }
                        out[((n * s.outChannels() + o) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return out;
    }

    static long[] widen(byte[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }

    /** NCHW to NHWC, element size agnostic through an index map: result[nhwc] = src[nchw]. */
    static int[] nhwcIndex(int batch, int c, int h, int w) {
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

    static byte[] toNhwc(byte[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        byte[] out = new byte[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }

    static float[] toNhwc(float[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        float[] out = new float[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }

    static int[] toNhwc(int[] nchw, int batch, int c, int h, int w) {
        int[] map = nhwcIndex(batch, c, h, w);
        int[] out = new int[nchw.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nchw[map[i]];
        }
        return out;
    }
}

package io.github.trit4j.testkit;

/**
 * A direct convolution written independently of {@link NaiveConv} (NHWC handled by index
 * arithmetic, not conversion), correct with {@link Defect#NONE}, with one realistic bug otherwise,
 * for the mutation test. Thread-safe.
 */
final class DirectConv implements TernaryConv {

    /** One bug each, or none. */
    enum Defect {
        /** Correct. */
        NONE,
        /** Padded taps read as the code with its low bit set (value 1) instead of 0. */
        PADDING_BIT_SET,
        /** The vertical stride used along the width too. */
        WRONG_STRIDE,
        /** The horizontal dilation ignored (taps one pixel apart). */
        WRONG_DILATION,
        /** Every group reads the first group's input channels. */
        GROUPS_READ_GROUP_ZERO
    }

    private final Defect defect;

    DirectConv(Defect defect) {
        this.defect = defect;
    }

    @Override
    public boolean supports(CodePair pair) {
        return KitSelfTest.TRIT4J_PAIRS.contains(pair);
    }

    @Override
    public String name() {
        return "DirectConv[" + defect + "]";
    }

    @Override
    public int[] convolve(ConvSpec s, CodeSet wc, byte[] weights, CodeSet xc, byte[] input, int batch, int h, int w,
                          ConvLayout layout) {
        int oh = s.outputHeight(h);
        int ow = s.outputWidth(w);
        int cin = s.inChannels();
        int cout = s.outChannels();
        int cg = s.inChannelsPerGroup();
        int mg = s.outChannelsPerGroup();
        int strideW = defect == Defect.WRONG_STRIDE ? s.strideH() : s.strideW();
        int dilationW = defect == Defect.WRONG_DILATION ? 1 : s.dilationW();
        int[] out = new int[batch * cout * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < cout; o++) {
                        int g = defect == Defect.GROUPS_READ_GROUP_ZERO ? 0 : o / mg;
                        int acc = 0;
                        for (int i = 0; i < s.kernelH(); i++) {
                            int iy = oy * s.strideH() - s.padH() + i * s.dilationH();
                            for (int j = 0; j < s.kernelW(); j++) {
                                int ix = ox * strideW - s.padW() + j * dilationW;
                                boolean pad = iy < 0 || iy >= h || ix < 0 || ix >= w;
                                for (int c = 0; c < cg; c++) {
                                    int ch = g * cg + c;
                                    int x = pad ? (defect == Defect.PADDING_BIT_SET ? 1 : 0)
                                            : input[layout == ConvLayout.NCHW ? ((n * cin + ch) * h + iy) * w + ix
                                                    : ((n * h + iy) * w + ix) * cin + ch];
                                    acc += weights[((o * cg + c) * s.kernelH() + i) * s.kernelW() + j] * x;
                                }
                            }
                        }
                        out[layout == ConvLayout.NCHW ? ((n * cout + o) * oh + oy) * ow + ox
                                : ((n * oh + oy) * ow + ox) * cout + o] = acc;
                    }
                }
            }
        }
        return out;
    }
}

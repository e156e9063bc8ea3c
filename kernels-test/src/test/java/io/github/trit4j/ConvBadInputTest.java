package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.layers.TernaryLinear;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv and layer entry points reject bad input naming the parameter and value; caller buffers stay untouched. */
class ConvBadInputTest {

    private static void assertIae(Executable e, String... parts) {
        String msg = assertThrows(IllegalArgumentException.class, e).getMessage();
        for (String part : parts) {
            assertTrue(msg != null && msg.contains(part), () -> "'" + msg + "' should mention '" + part + "'");
        }
    }

    @Test
    void specRejectsBadGeometry() {
        assertIae(() -> Conv2dSpec.of(0, 1, 1, 1), "inChannels", "0");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).groups(3), "groups = 3", "inChannels = 4");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).groups(4), "groups = 4", "outChannels = 6");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).stride(0), "strideH", "0");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).dilation(1, 0), "dilationW", "0");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).padding(-1), "padH", "-1");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).outputHeight(2), "height = 2", "empty");
        assertIae(() -> Conv2dSpec.of(4, 6, 3, 3).dilation(2).padding(1).outputWidth(2), "width = 2", "empty");
    }

    @Test
    void conv2dRejectsBadInputAndWritesNothing() {
        Conv2dSpec s = Conv2dSpec.of(2, 3, 3, 3).padding(1);
        byte[] w = new byte[s.weightLength()];
        assertIae(() -> new Conv2d(s, Precision.TERNARY, new byte[5], Precision.TERNARY_UNSIGNED), "weights.length is 5");
        byte[] badW = w.clone();
        badW[7] = 2;
        assertIae(() -> new Conv2d(s, Precision.TERNARY, badW, Precision.TERNARY_UNSIGNED), "weights[7] = 2");
        assertIae(() -> new Conv2d(s, Precision.TERNARY, w, Precision.BINARY), "unsupported pair");
        Conv2d conv = new Conv2d(s, Precision.TERNARY, w, Precision.TERNARY_UNSIGNED, GemmEngine.of(Isa.SCALAR),
                Algorithm.FATNN);
        int[] out = new int[conv.outputLength(1, 4, 4)];
        Arrays.fill(out, 42);
        int[] untouched = out.clone();
        byte[] in = new byte[2 * 4 * 4];
        assertIae(() -> conv.forward(new byte[31], 1, 4, 4, Layout.NCHW, out), "input.length is 31");
        assertIae(() -> conv.forward(in, 0, 4, 4, Layout.NCHW, out), "batch", "0");
        assertIae(() -> conv.forward(in, 1, 4, 4, Layout.NCHW, new int[3]), "out.length is 3");
        byte[] badIn = in.clone();
        badIn[9] = 3;
        assertIae(() -> conv.forward(badIn, 1, 4, 4, Layout.NHWC, out), "input[9] = 3");
        float[] fin = new float[32];
        fin[17] = Float.NaN;
        assertIae(() -> conv.forward(fin, ActivationQuantizer.fatnn(1f, 1f, 1f), 1, 4, 4, Layout.NCHW, out),
                "input[17] is NaN");
        assertIae(() -> conv.forward(new float[32], ActivationQuantizer.fatnn(1f, 1f, 1f, 1f), 1, 4, 4, Layout.NCHW,
                out), "quantizer precision TWO_BIT");
        assertArrayEquals(untouched, out, "nothing written on failure");
    }

    @Test
    void layersRejectBadInputAndWriteNothing() {
        Conv2dSpec s = Conv2dSpec.of(2, 3, 1, 1);
        ActivationQuantizer q = ActivationQuantizer.fatnn(1f, 1f, 1f);
        WeightQuantizer wq = WeightQuantizer.fatnn(1f, 1f, false, 1f);
        float[] w = new float[6];
        w[4] = Float.NaN;
        assertIae(() -> new TernaryConv2d(s, w, wq, q, null, false), "weights[4] is NaN");
        assertIae(() -> new TernaryConv2d(s, new float[6], wq, q, new float[2], false), "bias.length is 2");
        assertIae(() -> new TernaryConv2d(s, new float[6], wq, q, new float[] {0, Float.NaN, 0}, false), "bias[1]");
        assertIae(() -> new TernaryConv2d(s, new float[6], WeightQuantizer.fatnn(1f, 1f, false, 3e38f),
                ActivationQuantizer.fatnn(3e38f, 1f, 1f), null, false), "not a finite positive float");
        assertIae(() -> new TernaryConv2d(s, new float[6], WeightQuantizer.sign(), q, null, false), "unsupported pair");
        TernaryConv2d conv = new TernaryConv2d(s, new float[6], wq, q, null, true, GemmEngine.of(Isa.SCALAR));
        float[] out = new float[3 * 4];
        Arrays.fill(out, 42f);
        float[] in = new float[8];
        in[3] = Float.NaN;
        assertIae(() -> conv.forward(in, 1, 2, 2, Layout.NCHW, out), "input[3] is NaN");
        assertIae(() -> conv.forward(new float[8], 1, 2, 2, Layout.NCHW, new float[5]), "out.length is 5");
        TernaryLinear lin = new TernaryLinear(new float[6], 3, 2, wq, q, null, false, GemmEngine.of(Isa.SCALAR));
        float[] lout = new float[6];
        Arrays.fill(lout, 42f);
        assertIae(() -> lin.forward(new float[] {0, 1, Float.NaN, 0}, 2, lout), "input[2] is NaN");
        assertIae(() -> lin.forward(new float[5], 2, lout), "input.length is 5");
        assertIae(() -> new TernaryLinear(new float[6], 3, 3, wq, q, null, false), "weights.length is 6");
        float[] expected = new float[12];
        Arrays.fill(expected, 42f);
        assertArrayEquals(expected, out);
        assertArrayEquals(Arrays.copyOf(expected, 6), lout);
    }
}

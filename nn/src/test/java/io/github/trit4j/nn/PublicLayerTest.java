package io.github.trit4j.nn;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The public layer and the network's layer are one implementation: a {@link TernaryConv2d} made from
 * float weights, and a network whose quantized conv carries that layer's codes and scales (as an
 * exporter writes them), give the same floats, bit for bit.
 */
class PublicLayerTest {

    @Test
    void theNetworksQuantizedConvGivesThePublicLayersFloats() {
        qt().withExamples(40).forAll(integers().between(1, 3), integers().between(1, 2), integers().between(3, 9),
                        integers().between(0, 7))
                .checkAssert((k, s, hw, variant) -> {
                    SplittableRandom r = new SplittableRandom(k * 1000L + s * 100 + hw * 10 + variant);
                    int p = variant & 1;
                    boolean twoBit = (variant & 2) != 0;
                    boolean relu = (variant & 4) != 0;
                    int c = 1 + r.nextInt(5);
                    int o = 1 + r.nextInt(7);
                    int batch = 1 + r.nextInt(2);
                    Conv2dSpec spec = Conv2dSpec.of(c, o, k, k).stride(s).padding(p);
                    float[] alphas = twoBit ? new float[] {1.7f, 0.9f, 1.3f} : new float[] {1.7f, 0.9f};
                    float actScale = (float) (0.1 + r.nextDouble());
                    ActivationQuantizer q = ActivationQuantizer.fatnn(actScale, alphas);
                    TernaryConv2d layer = new TernaryConv2d(spec, Naive.randomFloats(r, spec.weightLength(), 1),
                            WeightQuantizer.twn(), q, null, relu);
                    QuantizedWeights qw = layer.quantizedWeights();

                    List<Tensor> t = new ArrayList<>();
                    t.add(Tensor.i8("q.weight_codes", qw.codes(), o, c, k, k));
                    t.add(Tensor.f32("q.weight_scale", qw.scales(), o));
                    t.add(Tensor.f32("q.act_alpha", alphas, alphas.length));
                    t.add(Tensor.f32("q.act_scale", new float[] {actScale}, 1));
                    int oh = spec.outputHeight(hw);
                    String mode = twoBit ? ConvMode.TERNARY_2BIT.fileName() : ConvMode.FATNN.fileName();
                    Network net = LayersTest.network("q", c, hw, hw, o * oh * oh,
                            "{\"type\": \"conv\", \"name\": \"q\", \"mode\": \"" + mode + "\", \"in\": " + c
                                    + ", \"out\": " + o + ", \"kernel\": " + k + ", \"stride\": " + s
                                    + ", \"padding\": " + p + ", \"bias\": false}, "
                                    + (relu ? "{\"type\": \"relu\"}, " : "") + "{\"type\": \"flatten\"}", t);
                    float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1.5);
                    String what = spec + " " + hw + "x" + hw + " batch " + batch + (twoBit ? " 2-bit" : "")
                            + (relu ? " relu" : "");
                    assertArrayEquals(layer.forward(x, batch, hw, hw, Layout.NCHW), net.predict(x, batch), what);
                });
    }
}

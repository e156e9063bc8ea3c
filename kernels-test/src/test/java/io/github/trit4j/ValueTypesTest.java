package io.github.trit4j;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.QuantizedWeights;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public value types compare by value: equals, a consistent hashCode, a toString naming what differs. */
class ValueTypesTest {

    private static Conv2dSpec base() {
        return Conv2dSpec.of(16, 32, 3, 3).stride(2, 1).padding(1, 0).dilation(1, 2).groups(4);
    }

    @Test
    void conv2dSpecsCompareEveryParameter() {
        Conv2dSpec a = base();
        Conv2dSpec b = base();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.toString(), b.toString());
        assertNotEquals(a, null);
        assertNotEquals(a, "Conv2dSpec");
        List<UnaryOperator<Conv2dSpec>> changes = List.of(
                s -> Conv2dSpec.of(32, 32, 3, 3).stride(2, 1).padding(1, 0).dilation(1, 2).groups(4),
                s -> Conv2dSpec.of(16, 64, 3, 3).stride(2, 1).padding(1, 0).dilation(1, 2).groups(4),
                s -> Conv2dSpec.of(16, 32, 5, 3).stride(2, 1).padding(1, 0).dilation(1, 2).groups(4),
                s -> Conv2dSpec.of(16, 32, 3, 5).stride(2, 1).padding(1, 0).dilation(1, 2).groups(4),
                s -> s.stride(1, 1), s -> s.stride(2, 2), s -> s.padding(0, 0), s -> s.padding(1, 1),
                s -> s.dilation(2, 2), s -> s.dilation(1, 1), s -> s.groups(2));
        for (UnaryOperator<Conv2dSpec> change : changes) {
            Conv2dSpec c = change.apply(base());
            assertNotEquals(a, c, c::toString);
            assertNotEquals(a.toString(), c.toString());
        }
    }

    @Test
    void quantizersAndWeightsCompareByValue() {
        assertEquals(ActivationQuantizer.fatnn(0.5f, 2f, 1.5f), ActivationQuantizer.fatnn(0.5f, 2f, 1.5f));
        assertEquals(ActivationQuantizer.fatnn(0.5f, 2f, 1.5f).hashCode(),
                ActivationQuantizer.fatnn(0.5f, 2f, 1.5f).hashCode());
        assertNotEquals(ActivationQuantizer.fatnn(0.5f, 2f, 1.5f), ActivationQuantizer.fatnn(0.5f, 2f, 1.25f));
        assertNotEquals(ActivationQuantizer.fatnn(0.5f, 2f, 1.5f), ActivationQuantizer.fatnn(0.25f, 2f, 1.5f));
        assertNotEquals(ActivationQuantizer.fatnn(0.5f, 2f, 1.5f), ActivationQuantizer.fatnnThresholds(0.5f, 1.5f, 2f));
        assertEquals(ActivationQuantizer.uniform(Precision.TWO_BIT, 3f), ActivationQuantizer.uniform(Precision.TWO_BIT, 3f));
        assertNotEquals(ActivationQuantizer.uniform(Precision.TWO_BIT, 3f),
                ActivationQuantizer.uniform(Precision.TERNARY_UNSIGNED, 3f));

        assertEquals(WeightQuantizer.fatnn(0.5f, 0.75f, true, 2f), WeightQuantizer.fatnn(0.5f, 0.75f, true, 2f));
        assertEquals(WeightQuantizer.twn().hashCode(), WeightQuantizer.twn().hashCode());
        assertNotEquals(WeightQuantizer.fatnn(0.5f, 0.75f, true, 2f), WeightQuantizer.fatnn(0.5f, 0.75f, false, 2f));
        assertNotEquals(WeightQuantizer.fatnn(0.5f, 0.75f, true, 2f), WeightQuantizer.fatnn(0.5f, 0.75f, true, 3f));
        assertNotEquals(WeightQuantizer.twn(), WeightQuantizer.sign());

        float[] w = {0.9f, -0.8f, 0.01f, 0.5f, -0.02f, -1f};
        QuantizedWeights q = WeightQuantizer.twn().quantize(w, 2);
        QuantizedWeights r = WeightQuantizer.twn().quantize(w.clone(), 2);
        assertEquals(q, r);
        assertEquals(q.hashCode(), r.hashCode());
        assertEquals(q.toString(), r.toString());
        assertEquals(2, q.rows());
        assertEquals(3, q.cols());
        assertTrue(q.toString().contains("2 x 3"), q::toString);
        assertNotEquals(q, WeightQuantizer.twn().quantize(w, 3));
        w[0] = -0.9f;
        assertNotEquals(q, WeightQuantizer.twn().quantize(w, 2));
    }
}

package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fusion pass between parsing and planning, on typed layer records. */
class FusionTest {

    private static LayerSpec.Conv conv(String name) {
        return new LayerSpec.Conv("c " + name, name, ConvMode.FLOAT, 1, 4, 3, 1, 1, false, null, 0f, false, null);
    }

    @Test
    void batchNormAndReluFoldIntoTheConvBefore() {
        List<LayerSpec> fused = Fusion.fuse(List.of(conv("a"), new LayerSpec.BatchNorm("bn", "a.bn", 1e-3f),
                new LayerSpec.Relu("r"), conv("b"), new LayerSpec.Relu("r2"), conv("c"),
                new LayerSpec.BatchNorm("bn2", "c.bn", 1e-5f), new LayerSpec.GlobalAvgPool("g"),
                new LayerSpec.Relu("r3")));
        assertEquals(5, fused.size(), fused.toString());
        LayerSpec.Conv a = assertInstanceOf(LayerSpec.Conv.class, fused.get(0));
        assertEquals("a.bn", a.batchnorm());
        assertEquals(1e-3f, a.eps());
        assertTrue(a.relu());
        LayerSpec.Conv b = assertInstanceOf(LayerSpec.Conv.class, fused.get(1));
        assertEquals(null, b.batchnorm());
        assertTrue(b.relu());
        LayerSpec.Conv c = assertInstanceOf(LayerSpec.Conv.class, fused.get(2));
        assertEquals("c.bn", c.batchnorm());
        assertEquals(false, c.relu());
        assertInstanceOf(LayerSpec.GlobalAvgPool.class, fused.get(3));
        assertInstanceOf(LayerSpec.Relu.class, fused.get(4), "a ReLU after a pool stays a layer");
    }

    @Test
    void aNormalizeFoldsIntoTheFloatConvAfterItOnly() {
        LayerSpec.Normalize n = new LayerSpec.Normalize("n", new float[] {0.5f}, new float[] {0.25f});
        LayerSpec.Conv quantized = new LayerSpec.Conv("q", "q", ConvMode.FATNN, 1, 4, 3, 1, 1, false, null, 0f, false,
                null);
        List<LayerSpec> fused = Fusion.fuse(List.of(n, conv("a"), new LayerSpec.BatchNorm("bn", "a.bn", 1e-3f),
                new LayerSpec.Relu("r"), n, quantized, n, new LayerSpec.Flatten("f")));
        assertEquals(5, fused.size(), fused.toString());
        LayerSpec.Conv a = assertInstanceOf(LayerSpec.Conv.class, fused.get(0));
        assertEquals(n, a.normalize());
        assertEquals("a.bn", a.batchnorm());
        assertTrue(a.relu());
        assertEquals(n, fused.get(1), "a normalize before a quantized conv stays a layer");
        assertEquals(null, assertInstanceOf(LayerSpec.Conv.class, fused.get(2)).normalize());
        assertEquals(n, fused.get(3), "a normalize before anything else stays a layer");
    }

    @Test
    void aBatchNormNotAfterAConvIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fusion.fuse(List.of(
                conv("a"), new LayerSpec.Relu("r"), new LayerSpec.BatchNorm("layers[2] (batchnorm x)", "x", 1e-5f))));
        assertTrue(e.getMessage().startsWith("layers[2] (batchnorm x): a batchnorm must follow a conv"), e.getMessage());
    }
}

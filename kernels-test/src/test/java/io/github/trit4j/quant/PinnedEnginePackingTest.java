package io.github.trit4j.quant;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.internal.kernel.CodeMasks;
import io.github.trit4j.internal.kernel.KernelProvider;
import io.github.trit4j.layers.PackedWeights;
import io.github.trit4j.layers.TernaryBlas;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.layers.TernaryLinear;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * One dispatch point: a pinned engine packs activations with its own shape's {@link CodeMasks}
 * (never the dispatched one's), and its layers give exactly the default engine's results.
 * In the same package as {@link ActivationQuantizer} for its package-private
 * {@code masksFor} hook.
 */
class PinnedEnginePackingTest {

    /** SCALAR always; the vector shapes only where the vector module is resolved. */
    private static List<Isa> creatableShapes() {
        List<Isa> shapes = new ArrayList<>();
        for (Isa isa : Isa.values()) {
            if (!isa.needsVectorModule() || KernelProvider.vectorModulePresent()) {
                shapes.add(isa);
            }
        }
        return shapes;
    }

    @Test
    void aPinnedEnginePacksWithItsOwnShape() {
        for (Isa isa : creatableShapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            CodeMasks used = ActivationQuantizer.masksFor(engine);
            assertSame(KernelProvider.codeMasks(isa), used, isa.toString());
            assertEquals(!isa.needsVectorModule(), used == KernelProvider.codeMasks(Isa.SCALAR), isa + ": " + used);
        }
        // in a vector JVM the scalar engine must not borrow the dispatched vector packer, nor the reverse
        GemmEngine scalar = GemmEngine.of(Isa.SCALAR);
        if (Gemm.isa().needsVectorModule()) {
            assertNotSame(ActivationQuantizer.masksFor(null), ActivationQuantizer.masksFor(scalar));
        } else {
            assertSame(ActivationQuantizer.masksFor(null), ActivationQuantizer.masksFor(scalar));
        }
    }

    @Test
    void pinnedEnginesGiveTheDefaultResults() {
        SplittableRandom rnd = new SplittableRandom(13);
        int out = 7;
        int in = 131;
        int batch = 5;
        float[] w = floats(rnd, out * in);
        float[] x = floats(rnd, batch * in);
        float[] bias = floats(rnd, out);
        WeightQuantizer wq = WeightQuantizer.twn();
        ActivationQuantizer aq = ActivationQuantizer.fatnn(0.5f, 2f, 1.5f);

        float[] expectLinear = new TernaryLinear(w, out, in, wq, aq, bias, true).forward(x, batch);
        byte[] expectPacked = aq.pack(x, 0, batch, in, in).unpack();

        Conv2dSpec spec = Conv2dSpec.of(70, 3, 3, 3).padding(1);
        int h = 5;
        int wd = 4;
        float[] convW = floats(rnd, 3 * 70 * 9);
        float[] img = floats(rnd, 2 * 70 * h * wd);
        float[] expectConv = new TernaryConv2d(spec, convW, wq, aq, null, false)
                .forward(img, 2, h, wd, Layout.NCHW);
        float[] expectConvNhwc = new TernaryConv2d(spec, convW, wq, aq, null, false)
                .forward(img, 2, h, wd, Layout.NHWC);

        float[] wt = floats(rnd, in * out); // B of sgemm, k x n row-major
        float[] expectBlas = new float[batch * out];
        TernaryBlas.sgemm(batch, out, in, 1f, x, in, PackedWeights.pack(wt, 0, in, out, out, wq, aq), 0f,
                expectBlas, out);

        for (Isa isa : creatableShapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            assertArrayEquals(expectLinear,
                    new TernaryLinear(w, out, in, wq, aq, bias, true, engine).forward(x, batch), isa.toString());
            PackedMatrix packed = aq.pack(engine, x, 0, batch, in, in);
            assertArrayEquals(expectPacked, packed.unpack(), isa.toString());
            assertArrayEquals(expectConv, new TernaryConv2d(spec, convW, wq, aq, null, false, engine)
                    .forward(img, 2, h, wd, Layout.NCHW), isa.toString());
            assertArrayEquals(expectConvNhwc, new TernaryConv2d(spec, convW, wq, aq, null, false, engine)
                    .forward(img, 2, h, wd, Layout.NHWC), isa.toString());
            float[] blas = new float[batch * out];
            TernaryBlas.sgemm(batch, out, in, 1f, x, in, PackedWeights.pack(wt, 0, in, out, out, wq, aq, engine),
                    0f, blas, out);
            assertArrayEquals(expectBlas, blas, isa.toString());
        }
    }

    private static float[] floats(SplittableRandom rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rnd.nextGaussian();
        }
        return f;
    }
}

package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.nn.gemm.FloatGemm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 20 section 3: one provider keyed by Isa hands out the float GEMM and pooling's row maxima. */
class IsaProviderTest {

    @Test
    void aScalarEngineGetsScalarFloatServices() {
        NetworkOptions o = NetworkOptions.of(GemmEngine.of(Isa.SCALAR));
        assertSame(FloatGemm.scalar(), o.floatGemm());
        assertFalse(NnKernels.of(Isa.SCALAR).vectorRows());
        assertSame(FloatGemm.scalar(), o.withThreads(2).floatGemm(), "threads keep the services");
        Network net = ResNets.resnet18(ConvMode.FATNN, 1, o);
        assertTrue(net.toString().contains(FloatGemm.scalar().name() + " float GEMM"), net.toString());
    }

    @Test
    void aVectorEngineGetsVectorFloatServicesWhenTheModuleIsThere() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        GemmEngine engine = io.github.trit4j.Gemm.engine();
        NnKernels k = NnKernels.of(engine.isa());
        boolean vector = module && engine.isa() != Isa.SCALAR;
        assertEquals(vector, k.vectorRows());
        assertEquals(vector ? FloatGemm.javaDefault().name() : FloatGemm.scalar().name(),
                NetworkOptions.defaults().floatGemm().name());
    }
}

package io.github.trit4j;

import io.github.trit4j.KitAdapters.EngineGemm;
import io.github.trit4j.KitAdapters.EntryPoints;
import io.github.trit4j.testkit.CodePair;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.KitProperty;
import io.github.trit4j.testkit.KitSettings;
import io.github.trit4j.testkit.TernaryGemm;
import io.github.trit4j.testkit.TernaryGemmProperties;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The heart of the suite, run through trit4j-testkit: for every kernel shape, instantiated
 * directly, and every supported pair, every property of {@link TernaryGemmProperties} (tile and
 * granule edges exhaustively, random shapes, long K, extreme values, concurrent calls) against
 * the kit's naive oracle, through {@link KitAdapters.EngineGemm}: both algorithms on every case,
 * and on the random shapes every entry point (multiply into an array, activations as column panels).
 */
class GemmPropertiesTest {

    /** The supported (weights, activations) pairs. */
    static final Precision[][] PAIRS = {
            {Precision.TERNARY, Precision.TERNARY_UNSIGNED},
            {Precision.TERNARY, Precision.TWO_BIT},
            {Precision.TERNARY, Precision.TERNARY},
            {Precision.TWO_BIT, Precision.TWO_BIT},
            {Precision.BINARY, Precision.BINARY},
    };

    static final int MAX_DIM = 70;
    static final int MAX_K = 2100;

    /**
     * One container per kernel shape, one test per kit property and pair. (The vector shapes are
     * compared with the scalar kernels directly, below the engine, in MicroKernelPropertiesTest:
     * comparing engines here would only compare both with the oracle.)
     */
    @TestFactory
    List<DynamicContainer> everyShapeAndPairHoldsEveryKitProperty() {
        List<DynamicContainer> shapes = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            KitSettings settings = KitAdapters.settings(isa);
            GemmEngine engine = GemmEngine.of(isa);
            List<KitProperty> properties = new ArrayList<>();
            for (KitProperty p : TernaryGemmProperties.properties(new EngineGemm(engine, EntryPoints.ALL), settings)) {
                if (p.name().equals(TernaryGemmProperties.RANDOM)) {
                    properties.add(p);
                }
            }
            for (KitProperty p : TernaryGemmProperties.properties(new EngineGemm(engine, EntryPoints.BOTH_ALGORITHMS),
                    settings)) {
                // concurrent calls on the dispatched shape only: ThreadingPropertiesTest covers every shape
                boolean concurrentElsewhere = p.name().equals(TernaryGemmProperties.CONCURRENT)
                        && isa != Gemm.engine().isa();
                if (!p.name().equals(TernaryGemmProperties.RANDOM) && !concurrentElsewhere) {
                    properties.add(p);
                }
            }
            shapes.add(DynamicContainer.dynamicContainer(isa.toString(), properties.stream()
                    .map(p -> DynamicTest.dynamicTest(isa + " " + p, p::check))));
        }
        return shapes;
    }

    /** Panels are read as they are only where the product reads the activations themselves. */
    @Test
    void activationPanelLanesFollowTheProduct() {
        Precision t = Precision.TERNARY;
        Precision u = Precision.TERNARY_UNSIGNED;
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine e = GemmEngine.of(isa);
            int lanes = e.activationPanelLanes(t, u, Algorithm.FATNN, 1000);
            assertEquals(isa == Isa.SCALAR, lanes == 0, () -> isa + ": " + lanes + " lanes");
            assertEquals(lanes, e.activationPanelLanes(t, Precision.TWO_BIT, Algorithm.CONVENTIONAL, 1000));
            assertEquals(lanes, e.activationPanelLanes(Precision.TWO_BIT, Precision.TWO_BIT, Algorithm.FATNN, 1000));
            assertEquals(0, e.activationPanelLanes(t, t, Algorithm.FATNN, 1000), "ternary activations are offset first");
            assertEquals(0, e.activationPanelLanes(t, u, Algorithm.CONVENTIONAL, 1000), "recoded as 2-bit first");
            if (lanes > 1) {
                assertEquals(0, e.activationPanelLanes(t, u, Algorithm.FATNN, lanes - 1), "N below one panel");
            }
            IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> e.activationPanelLanes(t, u, Algorithm.FATNN, 0));
            org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("rows must be at least 1, got 0"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> e.activationPanelLanes(u, t, Algorithm.FATNN, 10));
        }
    }

    /** The same matrix, made from column panels of {@code lanes} rows. */
    static PackedMatrix asColumnPanels(PackedMatrix x, int lanes) {
        long[] panels = io.github.trit4j.internal.kernel.ColumnPanels.pack(x.bits(), x.rows(), x.precision().planes(),
                x.wordsPerRow(), io.github.trit4j.internal.kernel.ColumnPanels.kWords(x.cols()), lanes);
        return PackedMatrix.fromColumnPanels(x.precision(), x.rows(), x.cols(), lanes, panels);
    }

    /** The dispatched engine ({@link Gemm}) on the kit's random shapes, a tenth of the examples. */
    @TestFactory
    List<DynamicTest> dispatchedEngineHoldsTheRandomShapes() {
        TernaryGemm dispatched = new TernaryGemm() {
            @Override
            public int[] multiply(CodeSet wc, byte[] weights, CodeSet xc, byte[] activations, int m, int n, int k) {
                return Gemm.multiply(PackedMatrix.pack(KitAdapters.precision(wc), weights, m, k),
                        PackedMatrix.pack(KitAdapters.precision(xc), activations, n, k));
            }

            @Override
            public boolean supports(CodePair pair) {
                return KitAdapters.PAIRS.contains(pair);
            }

            @Override
            public String name() {
                return "Gemm (dispatched, " + Gemm.isa() + ")";
            }
        };
        int examples = Math.max(20, TestShapes.EXAMPLES / 10);
        KitSettings settings = KitSettings.defaults().withExamples(examples, examples).withSizes(MAX_DIM, MAX_K, 20000);
        return TernaryGemmProperties.properties(dispatched, settings).stream()
                .filter(p -> p.name().equals(TernaryGemmProperties.RANDOM))
                .map(p -> DynamicTest.dynamicTest(p.toString(), p::check))
                .toList();
    }
}

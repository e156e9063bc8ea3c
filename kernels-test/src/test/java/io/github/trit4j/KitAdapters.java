package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.testkit.CodePair;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.ConvCase;
import io.github.trit4j.testkit.ConvLayout;
import io.github.trit4j.testkit.ConvSpec;
import io.github.trit4j.testkit.GemmCase;
import io.github.trit4j.testkit.Generators;
import io.github.trit4j.testkit.KitSettings;
import io.github.trit4j.testkit.TernaryConv;
import io.github.trit4j.testkit.TernaryGemm;
import org.quicktheories.core.Gen;

import java.util.Arrays;
import java.util.List;

/**
 * trit4j's kernels as trit4j-testkit implementations, and the kit's types as trit4j's: the
 * one place where kernels-test meets the kit. {@link EngineGemm} adapts a {@link GemmEngine}
 * (any {@link Isa}), {@link EngineConv} a {@link Conv2d} on one.
 */
final class KitAdapters {

    /** The (weights, activations) pairs trit4j supports, as the kit names them. */
    static final List<CodePair> PAIRS = Arrays.stream(GemmPropertiesTest.PAIRS)
            .map(p -> new CodePair(codes(p[0]), codes(p[1]))).toList();

    private KitAdapters() {
    }

    static CodeSet codes(Precision p) {
        return CodeSet.valueOf(p.name());
    }

    static Precision precision(CodeSet c) {
        return Precision.valueOf(c.name());
    }

    static Conv2dSpec spec(ConvSpec s) {
        return Conv2dSpec.of(s.inChannels(), s.outChannels(), s.kernelH(), s.kernelW()).stride(s.strideH(), s.strideW())
                .padding(s.padH(), s.padW()).dilation(s.dilationH(), s.dilationW()).groups(s.groups());
    }

    static ConvSpec spec(Conv2dSpec s) {
        return new ConvSpec(s.inChannels(), s.outChannels(), s.kernelH(), s.kernelW(), s.strideH(), s.strideW(),
                s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups());
    }

    static Layout layout(ConvLayout l) {
        return Layout.valueOf(l.name());
    }

    static ConvLayout layout(Layout l) {
        return ConvLayout.valueOf(l.name());
    }

    /** The kit's GEMM cases of a (weights, activations) pair of trit4j's. */
    static Gen<GemmCase> gemmCases(Precision[] pair, int maxDim, int maxK) {
        return Generators.gemmCases(codes(pair[0]), codes(pair[1]), maxDim, maxK);
    }

    /** The kit's convolution cases of a (weights, activations) pair of trit4j's. */
    static Gen<ConvCase> convCases(Precision[] pair) {
        return Generators.convCases(codes(pair[0]), codes(pair[1]));
    }

    /** The algorithm a test that runs one per case uses: alternates with the case's seed. */
    static Algorithm algorithm(ConvCase c) {
        return Algorithm.values()[(int) (c.seed() & 1)];
    }

    /**
     * The kit's settings at this JVM's examples for {@code isa} (fewer on shapes the JIT emulates),
     * with a budget of 2 minutes per property and pair unless -Dtrit4j.testkit.budgetSeconds says
     * otherwise: the examples are the suite's coverage, the budget only a bound for a machine
     * so loaded that it would not finish (the kit prints how many examples it left unchecked).
     */
    static KitSettings settings(Isa isa) {
        int examples = TestShapes.examples(isa);
        KitSettings settings = KitSettings.defaults().withExamples(examples, Math.max(8, examples / 10))
                .withSizes(GemmPropertiesTest.MAX_DIM, GemmPropertiesTest.MAX_K, 20000);
        return System.getProperty(KitSettings.BUDGET_PROPERTY) == null
                ? settings.withBudget(java.time.Duration.ofMinutes(2)) : settings;
    }

    /** Which of the engine's entry points a call goes through. */
    enum EntryPoints {
        /** multiply(w, x, FATNN), checked against multiply(w, x, CONVENTIONAL). */
        BOTH_ALGORITHMS,
        /** Both algorithms, multiply(w, x, out), and activations as column panels (the engine's lane count and 3). */
        ALL
    }

    /**
     * A {@link GemmEngine} on one shape: packs the codes, multiplies with FATNN and returns that;
     * every other entry point it is asked to go through must agree with it, or the call throws
     * an AssertionError naming the entry point (the kit reports it with the case).
     */
    record EngineGemm(GemmEngine engine, EntryPoints entryPoints) implements TernaryGemm {

        @Override
        public int[] multiply(CodeSet wc, byte[] weights, CodeSet xc, byte[] activations, int m, int n, int k) {
            Precision pw = precision(wc);
            Precision px = precision(xc);
            PackedMatrix w = PackedMatrix.pack(pw, weights, m, k);
            PackedMatrix x = PackedMatrix.pack(px, activations, n, k);
            int[] fatnn = engine.multiply(w, x, Algorithm.FATNN);
            agree(fatnn, engine.multiply(w, x, Algorithm.CONVENTIONAL), "CONVENTIONAL");
            if (entryPoints == EntryPoints.ALL) {
                int[] into = new int[m * n];
                engine.multiply(w, x, into);
                agree(fatnn, into, "multiply(w, x, out)");
                // activations handed over as column panels: in the engine's own lane count (read
                // as they are) and in one it does not use (converted back to rows)
                for (Algorithm a : Algorithm.values()) {
                    int lanes = engine.activationPanelLanes(pw, px, a, n);
                    for (int l : new int[] {lanes, 3}) {
                        if (l > 0) {
                            agree(fatnn, engine.multiply(w, GemmPropertiesTest.asColumnPanels(x, l), a),
                                    a + " on " + l + "-lane column panels");
                        }
                    }
                }
            }
            return fatnn;
        }

        private static void agree(int[] fatnn, int[] other, String what) {
            if (!Arrays.equals(fatnn, other)) {
                int i = Arrays.mismatch(fatnn, other);
                throw new AssertionError(what + " differs from FATNN at index " + i + ": " + other[i]
                        + " against " + fatnn[i]);
            }
        }

        @Override
        public boolean supports(CodePair pair) {
            return PAIRS.contains(pair);
        }

        @Override
        public String name() {
            return "GemmEngine[" + engine.isa() + ", " + entryPoints + "]";
        }
    }

    /**
     * {@link Conv2d} on one engine. One convolution per case, as the suite ran before the kit: the
     * algorithm alternates with the parity of the input's hash, so both run over a property's cases.
     */
    record EngineConv(GemmEngine engine) implements TernaryConv {

        @Override
        public int[] convolve(ConvSpec spec, CodeSet wc, byte[] weights, CodeSet xc, byte[] input, int batch,
                              int height, int width, ConvLayout layout) {
            Algorithm algorithm = Algorithm.values()[Arrays.hashCode(input) & 1];
            return new Conv2d(spec(spec), precision(wc), weights, precision(xc), engine, algorithm)
                    .forward(input, batch, height, width, layout(layout));
        }

        @Override
        public boolean supports(CodePair pair) {
            return PAIRS.contains(pair);
        }

        @Override
        public String name() {
            return "Conv2d[" + engine.isa() + "]";
        }
    }
}

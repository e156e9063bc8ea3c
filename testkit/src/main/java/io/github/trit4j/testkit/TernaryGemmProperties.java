package io.github.trit4j.testkit;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The GEMM properties as a JUnit 5 base class: extend it, return the implementation under test
 * from {@link #implementation()}, and every property runs on every pair the implementation
 * {@link TernaryGemm#supports supports}, each pair of each property a dynamic test named
 * {@code property: pair}.
 *
 * <pre>{@code
 * class MyGemmTest extends TernaryGemmProperties {
 *     protected TernaryGemm implementation() {
 *         return new MyGemm();
 *     }
 * }
 * }</pre>
 *
 * <p>The properties, each comparing every product with {@link NaiveGemm} exactly:
 * <ul>
 *   <li>{@value #EDGES}: every M and N in 1..5 with K at every granule boundary
 *       ({@link Generators#K_BOUNDARIES}), exhaustively;</li>
 *   <li>{@value #RANDOM}: random shapes and value patterns ({@link Generators#gemmCases}),
 *       {@link KitSettings#examples()} of them, shrunk on failure;</li>
 *   <li>{@value #LONG_K}: K up to {@link KitSettings#longK()} on outputs up to 9 x 9 (accumulators
 *       flushed or widened along K);</li>
 *   <li>{@value #EXTREMES}: all-minimum and all-maximum operands, K of 2049 and
 *       {@link KitSettings#longK()} (|sum| = K * max|w| * max|x|, past 16-bit accumulators);</li>
 *   <li>{@value #CONCURRENT}: four threads calling the implementation at once on shapes of many tiles
 *       (only if {@link TernaryGemm#threadSafe()}).</li>
 * </ul>
 * Every call also checks that the operand arrays are left unchanged. Settings (examples, sizes,
 * budget, seed) come from {@link #settings()}, by default {@link KitSettings#defaults()}.
 */
public abstract class TernaryGemmProperties {

    /** The exhaustive tile- and granule-edge property's name. */
    public static final String EDGES = "tileAndGranuleEdges";
    /** The random-shape property's name. */
    public static final String RANDOM = "randomShapes";
    /** The long-K property's name. */
    public static final String LONG_K = "longK";
    /** The extreme-value property's name. */
    public static final String EXTREMES = "extremeValues";
    /** The concurrent-calls property's name. */
    public static final String CONCURRENT = "concurrentCalls";

    /** For subclasses. */
    protected TernaryGemmProperties() {
    }

    /**
     * The implementation under test; called once per test factory run.
     *
     * @return the implementation
     */
    protected abstract TernaryGemm implementation();

    /**
     * How hard to look; override to change examples, sizes or the budget.
     *
     * @return {@link KitSettings#defaults()}
     */
    protected KitSettings settings() {
        return KitSettings.defaults();
    }

    /**
     * Every property on every supported pair, as dynamic tests.
     *
     * @return one dynamic test per property and pair
     */
    @TestFactory
    protected Stream<DynamicTest> gemmProperties() {
        return dynamicTests(implementation(), settings());
    }

    /**
     * Every property on every supported pair of {@code gemm}, as dynamic tests: for test classes
     * that check several implementations in one factory.
     *
     * @param gemm     the implementation
     * @param settings how hard to look
     * @return one dynamic test per property and pair, failing with the property's message
     */
    public static Stream<DynamicTest> dynamicTests(TernaryGemm gemm, KitSettings settings) {
        return properties(gemm, settings).stream()
                .map(p -> DynamicTest.dynamicTest(p.toString(), p::check));
    }

    /**
     * Every property on every supported pair of {@code gemm}, to run and inspect.
     *
     * @param gemm     the implementation
     * @param settings how hard to look
     * @return the properties, in the order listed in the class comment, each pair in {@link CodePair#all()} order
     */
    public static List<KitProperty> properties(TernaryGemm gemm, KitSettings settings) {
        List<KitProperty> list = new ArrayList<>();
        List<CodePair> pairs = CodePair.all().stream().filter(gemm::supports).toList();
        for (CodePair p : pairs) {
            list.add(new KitProperty(EDGES, p, () -> check(gemm, EDGES, p, settings).each(edgeCases(p))));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(RANDOM, p, () -> check(gemm, RANDOM, p, settings).random(
                    Generators.gemmCases(p.weights(), p.activations(), settings.maxDim(), settings.maxK()),
                    settings.examples())));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(LONG_K, p, () -> check(gemm, LONG_K, p, settings).random(
                    Generators.gemmCases(p.weights(), p.activations(), 9, settings.longK()),
                    Math.max(10, settings.examples() / 10))));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(EXTREMES, p, () -> check(gemm, EXTREMES, p, settings)
                    .each(extremeCases(p, settings.longK()))));
        }
        if (gemm.threadSafe()) {
            for (CodePair p : pairs) {
                list.add(new KitProperty(CONCURRENT, p, () -> new Check<GemmCase>(gemm.name(), CONCURRENT, p, settings,
                        c -> concurrently(gemm, c), TernaryGemmProperties::size).each(concurrentCases(p))));
            }
        }
        return List.copyOf(list);
    }

    private static Check<GemmCase> check(TernaryGemm gemm, String property, CodePair p, KitSettings settings) {
        return new Check<>(gemm.name(), property, p, settings, c -> evaluate(gemm, c), TernaryGemmProperties::size);
    }

    private static long size(GemmCase c) {
        return (long) c.m() * c.n() * c.k();
    }

    private static List<GemmCase> edgeCases(CodePair p) {
        List<GemmCase> cases = new ArrayList<>();
        long seed = 1;
        for (int k : Generators.K_BOUNDARIES) {
            for (int m = 1; m <= 5; m++) {
                for (int n = 1; n <= 5; n++) {
                    cases.add(new GemmCase(p.weights(), p.activations(), m, n, k, ValuePattern.RANDOM,
                            ValuePattern.MIXED_ROWS, seed++));
                }
            }
        }
        return cases;
    }

    private static List<GemmCase> extremeCases(CodePair p, int longK) {
        List<GemmCase> cases = new ArrayList<>();
        ValuePattern[] extremes = {ValuePattern.ALL_MIN, ValuePattern.ALL_MAX};
        for (int k : new int[] {2049, Math.max(2049, longK)}) {
            for (int n : new int[] {3, 17}) {
                for (ValuePattern pw : extremes) {
                    for (ValuePattern px : extremes) {
                        cases.add(new GemmCase(p.weights(), p.activations(), 5, n, k, pw, px, 7));
                    }
                }
            }
        }
        return cases;
    }

    private static List<GemmCase> concurrentCases(CodePair p) {
        return List.of(
                new GemmCase(p.weights(), p.activations(), 1, 33, 129, ValuePattern.RANDOM, ValuePattern.RANDOM, 3),
                new GemmCase(p.weights(), p.activations(), 37, 41, 300, ValuePattern.RANDOM, ValuePattern.MIXED_ROWS, 5),
                new GemmCase(p.weights(), p.activations(), 64, 67, 700, ValuePattern.MIXED_ROWS, ValuePattern.RANDOM, 11));
    }

    /** Null if the implementation's product equals the oracle's and the operands are unchanged. */
    static String evaluate(TernaryGemm gemm, GemmCase c) {
        byte[] w = c.weights();
        byte[] x = c.activations();
        int[] expected = NaiveGemm.multiply(w, x, c.m(), c.n(), c.k());
        byte[] wCopy = w.clone();
        byte[] xCopy = x.clone();
        int[] actual = gemm.multiply(c.weightCodes(), wCopy, c.activationCodes(), xCopy, c.m(), c.n(), c.k());
        return details(c, w, x, expected, actual, wCopy, xCopy);
    }

    private static String details(GemmCase c, byte[] w, byte[] x, int[] expected, int[] actual, byte[] wAfter,
                                  byte[] xAfter) {
        String d = Report.compare(expected, actual, i -> "row " + i / c.n() + ", column " + i % c.n());
        if (d == null) {
            d = Report.unchanged("weights", w, wAfter);
        }
        if (d == null) {
            d = Report.unchanged("activations", x, xAfter);
        }
        if (d == null) {
            return null;
        }
        return "  shapes: M=" + c.m() + " N=" + c.n() + " K=" + c.k() + " (" + c.pair() + ")\n" + d
                + "\n  weights (M x K):     " + Report.codes(w) + "\n  activations (N x K): " + Report.codes(x);
    }

    private static String concurrently(TernaryGemm gemm, GemmCase c) {
        byte[] w = c.weights();
        byte[] x = c.activations();
        int[] expected = NaiveGemm.multiply(w, x, c.m(), c.n(), c.k());
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int call = 0; call < 5; call++) {
                        byte[] wc = w.clone();
                        byte[] xc = x.clone();
                        int[] actual = gemm.multiply(c.weightCodes(), wc, c.activationCodes(), xc, c.m(), c.n(), c.k());
                        String d = details(c, w, x, expected, actual, wc, xc);
                        if (d != null) {
                            return "  thread " + thread + " of " + threads + ", call " + call + ":\n" + d;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) {
                String d = f.get(120, TimeUnit.SECONDS);
                if (d != null) {
                    return d;
                }
            }
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return "  the implementation threw " + e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return "  a call took over 120 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "  interrupted";
        } finally {
            pool.shutdownNow();
        }
    }
}

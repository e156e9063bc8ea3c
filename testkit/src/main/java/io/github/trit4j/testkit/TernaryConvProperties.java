package io.github.trit4j.testkit;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The convolution properties as a JUnit 5 base class: extend it and return the implementation
 * under test from {@link #implementation()}; every property runs on every pair it
 * {@link TernaryConv#supports supports}, each a dynamic test named {@code property: pair}.
 *
 * <p>The properties, each comparing the output with {@link NaiveConv} exactly, in both layouts:
 * <ul>
 *   <li>{@value #RANDOM}: random geometry ({@link Generators#convCases}: batch, channels, groups
 *       and depthwise, kernels 1..7, strides 1..3, paddings 0..3, dilations 1..2),
 *       {@link KitSettings#convExamples()} of them, shrunk on failure;</li>
 *   <li>{@value #PADDING}: a kernel larger than the image on all-extreme inputs, so most taps are
 *       padding: a pad read as anything but 0 shows;</li>
 *   <li>{@value #POINTWISE}: 1x1 kernels, channel counts around 64-bit words and 512-bit vectors,
 *       pixel counts from 1 to 70, plus a strided and a grouped 1x1;</li>
 *   <li>{@value #BIT_OFFSETS}: 3x3 padded kernels with every channel count 1..130 and 1 or 2
 *       groups (a group's channels start at every bit position of a word);</li>
 *   <li>{@value #NETWORK}: a ResNet-style 3x3, a stride-2 downsample, a 1x1 and a depthwise layer.</li>
 * </ul>
 */
public abstract class TernaryConvProperties {

    /** The random-geometry property's name. */
    public static final String RANDOM = "randomConvolutions";
    /** The padding property's name. */
    public static final String PADDING = "paddedTapsContributeZero";
    /** The pointwise property's name. */
    public static final String POINTWISE = "pointwiseShapes";
    /** The bit-offset property's name. */
    public static final String BIT_OFFSETS = "channelsAtEveryBitOffset";
    /** The network-shape property's name. */
    public static final String NETWORK = "networkShapes";

    /** For subclasses. */
    protected TernaryConvProperties() {
    }

    /**
     * The implementation under test; called once per test factory run.
     *
     * @return the implementation
     */
    protected abstract TernaryConv implementation();

    /**
     * How hard to look; override to change examples or the budget.
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
    protected Stream<DynamicTest> convProperties() {
        return dynamicTests(implementation(), settings());
    }

    /**
     * Every property on every supported pair of {@code conv}, as dynamic tests.
     *
     * @param conv     the implementation
     * @param settings how hard to look
     * @return one dynamic test per property and pair, failing with the property's message
     */
    public static Stream<DynamicTest> dynamicTests(TernaryConv conv, KitSettings settings) {
        return properties(conv, settings).stream()
                .map(p -> DynamicTest.dynamicTest(p.toString(), p::check));
    }

    /**
     * Every property on every supported pair of {@code conv}, to run and inspect.
     *
     * @param conv     the implementation
     * @param settings how hard to look
     * @return the properties, in the order listed in the class comment
     */
    public static List<KitProperty> properties(TernaryConv conv, KitSettings settings) {
        List<KitProperty> list = new ArrayList<>();
        List<CodePair> pairs = CodePair.all().stream().filter(conv::supports).toList();
        for (CodePair p : pairs) {
            list.add(new KitProperty(RANDOM, p, () -> check(conv, RANDOM, p, settings)
                    .random(Generators.convCases(p.weights(), p.activations()), settings.convExamples())));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(PADDING, p, () -> check(conv, PADDING, p, settings).each(paddingCases(p))));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(POINTWISE, p, () -> check(conv, POINTWISE, p, settings).each(pointwiseCases(p))));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(BIT_OFFSETS, p, () -> check(conv, BIT_OFFSETS, p, settings)
                    .each(bitOffsetCases(p))));
        }
        for (CodePair p : pairs) {
            list.add(new KitProperty(NETWORK, p, () -> check(conv, NETWORK, p, settings).each(networkCases(p))));
        }
        return List.copyOf(list);
    }

    private static Check<ConvCase> check(TernaryConv conv, String property, CodePair p, KitSettings settings) {
        return new Check<>(conv.name(), property, p, settings, c -> evaluate(conv, c), TernaryConvProperties::size);
    }

    private static long size(ConvCase c) {
        ConvSpec s = c.spec();
        return (long) c.batch() * c.height() * c.width() * s.outChannels() * s.patchLength();
    }

    private static List<ConvCase> paddingCases(CodePair p) {
        List<ConvCase> cases = new ArrayList<>();
        ConvSpec s = ConvSpec.of(3, 2, 7, 5).padding(3, 2);
        for (ValuePattern xp : new ValuePattern[] {ValuePattern.ALL_MAX, ValuePattern.ALL_MIN}) {
            for (ValuePattern wp : new ValuePattern[] {ValuePattern.ALL_MAX, ValuePattern.ALL_MIN, ValuePattern.RANDOM}) {
                for (ConvLayout layout : ConvLayout.values()) {
                    cases.add(new ConvCase(p.weights(), p.activations(), s, 1, 2, 3, layout, wp, xp, 12));
                    cases.add(new ConvCase(p.weights(), p.activations(), s, 2, 2, 3, layout, wp, xp, 11));
                }
            }
        }
        return cases;
    }

    private static List<ConvCase> pointwiseCases(CodePair p) {
        List<ConvCase> cases = new ArrayList<>();
        long seed = 100;
        for (int c : new int[] {1, 7, 63, 64, 65, 130, 511, 513}) {
            for (int[] hw : new int[][] {{1, 1}, {3, 5}, {8, 8}, {23, 25}, {1, 70}}) {
                for (ConvLayout layout : ConvLayout.values()) {
                    cases.add(new ConvCase(p.weights(), p.activations(), ConvSpec.of(c, 3, 1, 1), 1 + (int) (seed % 2),
                            hw[0], hw[1], layout, ValuePattern.RANDOM, ValuePattern.RANDOM, seed++));
                }
            }
        }
        cases.add(new ConvCase(p.weights(), p.activations(), ConvSpec.of(66, 4, 1, 1).stride(2, 2), 1, 9, 8,
                ConvLayout.NCHW, ValuePattern.RANDOM, ValuePattern.RANDOM, seed++));
        cases.add(new ConvCase(p.weights(), p.activations(), ConvSpec.of(66, 4, 1, 1).groups(2), 2, 9, 8,
                ConvLayout.NHWC, ValuePattern.RANDOM, ValuePattern.RANDOM, seed));
        return cases;
    }

    private static List<ConvCase> bitOffsetCases(CodePair p) {
        List<ConvCase> cases = new ArrayList<>();
        for (int cg = 1; cg <= 130; cg++) {
            for (int groups = 1; groups <= 2; groups++) {
                ConvSpec s = ConvSpec.of(cg * groups, 2 * groups, 3, 3).padding(1, 1).groups(groups);
                cases.add(new ConvCase(p.weights(), p.activations(), s, 1, 4, 5, ConvLayout.values()[(cg + groups) % 2],
                        ValuePattern.RANDOM, ValuePattern.RANDOM, cg * 7L + groups));
            }
        }
        return cases;
    }

    private static List<ConvCase> networkCases(CodePair p) {
        ConvSpec[] specs = {
                ConvSpec.of(64, 16, 3, 3).padding(1, 1),
                ConvSpec.of(70, 8, 3, 3).stride(2, 2).padding(1, 1),
                ConvSpec.of(130, 9, 1, 1),
                ConvSpec.of(32, 32, 3, 3).padding(1, 1).groups(32),
        };
        List<ConvCase> cases = new ArrayList<>();
        for (ConvSpec s : specs) {
            for (ConvLayout layout : ConvLayout.values()) {
                cases.add(new ConvCase(p.weights(), p.activations(), s, 1, 9, 10, layout, ValuePattern.RANDOM,
                        ValuePattern.RANDOM, 5));
            }
        }
        return cases;
    }

    /** Null if the implementation's output equals the oracle's and the operands are unchanged. */
    static String evaluate(TernaryConv conv, ConvCase c) {
        ConvSpec s = c.spec();
        byte[] w = c.weights();
        byte[] in = c.input();
        int[] expected = c.expected();
        byte[] wCopy = w.clone();
        byte[] inCopy = in.clone();
        int[] actual = conv.convolve(s, c.weightCodes(), wCopy, c.inputCodes(), inCopy, c.batch(), c.height(),
                c.width(), c.layout());
        int oh = c.outputHeight();
        int ow = c.outputWidth();
        int oc = s.outChannels();
        String d = Report.compare(expected, actual, i -> c.layout() == ConvLayout.NCHW
                ? "image " + i / (oc * oh * ow) + ", channel " + i / (oh * ow) % oc + ", y " + i / ow % oh + ", x " + i % ow
                : "image " + i / (oc * oh * ow) + ", y " + i / (ow * oc) % oh + ", x " + i / oc % ow + ", channel " + i % oc);
        if (d == null) {
            d = Report.unchanged("weights", w, wCopy);
        }
        if (d == null) {
            d = Report.unchanged("input", in, inCopy);
        }
        if (d == null) {
            return null;
        }
        return "  shapes: " + s + " batch=" + c.batch() + " input " + c.height() + "x" + c.width() + " -> output "
                + oh + "x" + ow + " " + c.layout() + " (" + c.pair() + ")\n" + d
                + "\n  weights (OIHW): " + Report.codes(w) + "\n  input (" + c.layout() + "): " + Report.codes(in);
    }
}

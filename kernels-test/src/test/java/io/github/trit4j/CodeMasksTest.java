package io.github.trit4j;

import io.github.trit4j.internal.kernel.CodeMasks;
import io.github.trit4j.internal.kernel.KernelProvider;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The packing kernel of every shape turns codes into the plane words {@link PackedMatrix#pack}
 * makes of them, bit for bit: every precision, lengths around each 64-code group and vector
 * width, offsets that misalign the loads, strided destinations, and words past the codes
 * left untouched; a code outside the set is reported by its index.
 */
class CodeMasksTest {

    @TestFactory
    List<DynamicTest> everyShapeMasksCodesAsPackDoes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision p : Precision.values()) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + p, () -> check(KernelProvider.codeMasks(isa), isa, p)));
            }
        }
        return tests;
    }

    /**
     * The 64 x 64 bit transpose (NCHW packing) of every shape moves bit j of row i to bit i of row j,
     * checked bit by bit, at offsets that misalign the block, without touching the words around it;
     * twice is the identity.
     */
    @TestFactory
    List<DynamicTest> everyShapeTransposesBitBlocks() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            CodeMasks masks = KernelProvider.codeMasks(isa);
            tests.add(DynamicTest.dynamicTest(isa.toString(), () -> qt()
                    .withExamples(Math.max(50, TestShapes.examples(isa) / 4))
                    .forAll(integers().between(0, 9), longs().all())
                    .checkAssert((off, seed) -> {
                        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                        long[] a = new long[off + 64 + 3];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = switch (r.nextInt(4)) { // dense, sparse, single bits, all ones
                                case 0 -> r.nextLong();
                                case 1 -> r.nextLong() & r.nextLong() & r.nextLong();
                                case 2 -> 1L << r.nextInt(64);
                                default -> -1L;
                            };
                        }
                        long[] before = a.clone();
                        masks.transpose64(a, off);
                        for (int i = 0; i < 64; i++) {
                            for (int j = 0; j < 64; j++) {
                                assertEquals(before[off + i] >>> j & 1, a[off + j] >>> i & 1,
                                        isa + ": bit " + j + " of row " + i + " at offset " + off);
                            }
                        }
                        assertArrayEquals(Arrays.copyOf(before, off), Arrays.copyOf(a, off), "words before the block");
                        assertArrayEquals(Arrays.copyOfRange(before, off + 64, a.length),
                                Arrays.copyOfRange(a, off + 64, a.length), "words after the block");
                        masks.transpose64(a, off);
                        assertArrayEquals(before, a, "transposed twice");
                    })));
        }
        return tests;
    }

    /**
     * im2col's run copy of every shape, at every engine's lane count and others, steps 1 to 3, from one
     * base or two (split at any lane), runs that end at the source's last word: exactly the runs,
     * nothing else.
     */
    @TestFactory
    List<DynamicTest> everyShapeCopiesRuns() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            CodeMasks masks = KernelProvider.codeMasks(isa);
            tests.add(DynamicTest.dynamicTest(isa.toString(), () -> qt()
                    .withExamples(Math.max(50, TestShapes.examples(isa) / 4))
                    .forAll(integers().between(1, 9), integers().between(0, 12), integers().between(0, 12),
                            longs().all())
                    .checkAssert((lanes, from, count, seed) -> {
                        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                        int step = 1 + r.nextInt(3);
                        int span = (lanes - 1) * step + 1;
                        int split = r.nextBoolean() ? lanes : r.nextInt(lanes + 1); // lanes from split: the second base
                        int to = from + count;
                        long[] src = new long[200];
                        for (int i = 0; i < src.length; i++) {
                            src[i] = r.nextLong();
                        }
                        int s = r.nextInt(20);
                        int s2 = r.nextInt(20);
                        int[] offsets = new int[to + 1];
                        for (int i = 0; i < offsets.length; i++) { // some runs end at the last word
                            int base = Math.max(s, s2);
                            offsets[i] = r.nextInt(4) == 0 ? src.length - base - span : r.nextInt(src.length - base - span + 1);
                        }
                        int d = r.nextInt(5);
                        long[] dst = new long[d + (to + 1) * lanes + 3];
                        Arrays.fill(dst, -7L);
                        long[] expected = dst.clone();
                        for (int run = from; run < to; run++) {
                            for (int l = 0; l < lanes; l++) {
                                expected[d + run * lanes + l] = src[(l < split ? s : s2) + offsets[run] + l * step];
                            }
                        }
                        masks.copyRuns(src, s, s2, split, step, offsets, from, to, dst, d, lanes);
                        assertArrayEquals(expected, dst, isa + ": " + lanes + " lanes, step " + step + ", split "
                                + split + ", runs " + from + " to " + to);
                    })));
        }
        return tests;
    }

    private static void check(CodeMasks masks, Isa isa, Precision p) {
        qt().withExamples(Math.max(50, TestShapes.examples(isa) / 4))
                .forAll(integers().between(1, 300), integers().between(0, 70), integers().between(1, 3),
                        longs().all())
                .checkAssert((len, off, stride, seed) -> {
                    ValuePattern pattern = ValuePattern.values()[(int) Math.floorMod(seed, ValuePattern.values().length)];
                    byte[] codes = pattern.values(KitAdapters.codes(p), 1, len, seed);
                    byte[] src = new byte[off + len + 5];
                    Arrays.fill(src, (byte) 0x55); // bytes around the codes must not be read as codes
                    System.arraycopy(codes, 0, src, off, len);
                    PackedMatrix packed = PackedMatrix.pack(p, codes, 1, len);
                    int groups = (len + 63) / 64;
                    long[] d0 = new long[groups * stride + 2];
                    long[] d1 = new long[groups * stride + 2];
                    Arrays.fill(d0, -7L);
                    Arrays.fill(d1, -7L);
                    assertEquals(-1, masks.masks(src, off, len, p, d0, 1, d1, 1, stride));
                    long[] e0 = new long[d0.length];
                    long[] e1 = new long[d1.length];
                    Arrays.fill(e0, -7L);
                    Arrays.fill(e1, -7L);
                    for (int g = 0; g < groups; g++) {
                        e0[1 + g * stride] = packed.bits()[g];
                        if (p.planes() == 2) {
                            e1[1 + g * stride] = packed.bits()[packed.wordsPerRow() + g];
                        }
                    }
                    String what = isa + " " + p + " len=" + len + " off=" + off + " stride=" + stride + " " + pattern;
                    assertArrayEquals(e0, d0, () -> what + ": plane 0");
                    assertArrayEquals(e1, d1, () -> what + ": plane 1");
                    // a code outside the set anywhere (and maybe another after it): the first is reported
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                    int bad = off + rnd.nextInt(len);
                    src[bad] = outside(p, rnd);
                    if (bad + 1 < off + len && rnd.nextBoolean()) {
                        src[bad + 1] = outside(p, rnd);
                    }
                    assertEquals(bad, masks.masks(src, off, len, p, d0, 1, d1, 1, stride),
                            () -> what + ": bad code " + src[bad]);
                });
    }

    /** A byte that is not a code of {@code p}. */
    private static byte outside(Precision p, java.util.SplittableRandom rnd) {
        while (true) {
            byte b = (byte) rnd.nextInt(256);
            if (!p.contains(b)) {
                return b;
            }
        }
    }
}

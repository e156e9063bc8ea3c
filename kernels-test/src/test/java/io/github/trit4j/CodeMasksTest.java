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

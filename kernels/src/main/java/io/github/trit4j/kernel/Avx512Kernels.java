package io.github.trit4j.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 512-bit shape: 64-bit lanes with native lane popcount (AVX-512 VPOPCNTDQ turns
 * {@code BIT_COUNT} on longs into one {@code vpopcntq}), so the popcount is as cheap as
 * the AND/XOR around it and no carry-save folding is needed.
 *
 * <p>Each kernel computes a 2 x 2 tile of outputs with all accumulators in registers
 * over the whole K loop and reduces lanes once per tile. Edge tiles repeat the last row
 * or column (the repeated output is written twice with the same value), so odd M or N
 * run at vector speed without a scalar tail.
 *
 * <p>Loaded only through reflection by {@link KernelProvider}, after it has checked that
 * the vector module is present.
 */
public final class Avx512Kernels implements BitKernels {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    private static final int STEP = 8;

    static {
        if (L.length() != STEP) {
            throw new AssertionError("512-bit species must have 8 long lanes");
        }
    }

    @Override
    public Isa isa() {
        return Isa.AVX512;
    }

    private static LongVector pop(LongVector v) {
        return v.lanewise(VectorOperators.BIT_COUNT);
    }

    @Override
    public void ternary(long[] w, long[] x, int words, int shift1,
                        int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        for (int i = i0; i < i1; i += 2) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int j = j0; j < j1; j += 2) {
                ternaryTile(w, x, words, shift1, i, ib, j, Math.min(j + 1, j1 - 1), e, out, n);
            }
        }
    }

    private static void ternaryTile(long[] w, long[] x, int words, int shift1,
                                    int ia, int ib, int ja, int jb, Epilogue e, int[] out, int n) {
        int ma = 2 * ia * words;
        int sa = ma + words;
        int mb = 2 * ib * words;
        int sb = mb + words;
        int pa = 2 * ja * words;
        int qa = pa + words;
        int pb = 2 * jb * words;
        int qb = pb + words;
        LongVector aa0 = LongVector.zero(L);
        LongVector aa1 = aa0;
        LongVector ab0 = aa0;
        LongVector ab1 = aa0;
        LongVector ba0 = aa0;
        LongVector ba1 = aa0;
        LongVector bb0 = aa0;
        LongVector bb1 = aa0;
        for (int k = 0; k < words; k += STEP) {
            LongVector m0 = LongVector.fromArray(L, w, ma + k);
            LongVector s0 = LongVector.fromArray(L, w, sa + k);
            LongVector m1 = LongVector.fromArray(L, w, mb + k);
            LongVector s1 = LongVector.fromArray(L, w, sb + k);
            LongVector x0 = LongVector.fromArray(L, x, pa + k);
            LongVector x1 = LongVector.fromArray(L, x, qa + k);
            LongVector y0 = LongVector.fromArray(L, x, pb + k);
            LongVector y1 = LongVector.fromArray(L, x, qb + k);
            aa0 = aa0.add(pop(m0.and(x0.lanewise(VectorOperators.XOR, s0))));
            aa1 = aa1.add(pop(m0.and(x1.lanewise(VectorOperators.XOR, s0))));
            ab0 = ab0.add(pop(m0.and(y0.lanewise(VectorOperators.XOR, s0))));
            ab1 = ab1.add(pop(m0.and(y1.lanewise(VectorOperators.XOR, s0))));
            ba0 = ba0.add(pop(m1.and(x0.lanewise(VectorOperators.XOR, s1))));
            ba1 = ba1.add(pop(m1.and(x1.lanewise(VectorOperators.XOR, s1))));
            bb0 = bb0.add(pop(m1.and(y0.lanewise(VectorOperators.XOR, s1))));
            bb1 = bb1.add(pop(m1.and(y1.lanewise(VectorOperators.XOR, s1))));
        }
        out[ia * n + ja] = e.apply(combine(aa0, aa1, shift1), ia, ja);
        out[ia * n + jb] = e.apply(combine(ab0, ab1, shift1), ia, jb);
        out[ib * n + ja] = e.apply(combine(ba0, ba1, shift1), ib, ja);
        out[ib * n + jb] = e.apply(combine(bb0, bb1, shift1), ib, jb);
    }

    private static long combine(LongVector p0, LongVector p1, int shift1) {
        return p0.add(p1.lanewise(VectorOperators.LSHL, shift1)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void twoBit(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        for (int i = i0; i < i1; i += 2) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int j = j0; j < j1; j += 2) {
                twoBitTile(w, x, words, i, ib, j, Math.min(j + 1, j1 - 1), e, out, n);
            }
        }
    }

    private static void twoBitTile(long[] w, long[] x, int words,
                                   int ia, int ib, int ja, int jb, Epilogue e, int[] out, int n) {
        int la = 2 * ia * words;
        int ha = la + words;
        int lb = 2 * ib * words;
        int hb = lb + words;
        int pa = 2 * ja * words;
        int qa = pa + words;
        int pb = 2 * jb * words;
        int qb = pb + words;
        // per output: weight 1 (lo.lo), weight 2 (lo.hi + hi.lo), weight 4 (hi.hi)
        LongVector aa1 = LongVector.zero(L);
        LongVector aa2 = aa1;
        LongVector aa4 = aa1;
        LongVector ab1 = aa1;
        LongVector ab2 = aa1;
        LongVector ab4 = aa1;
        LongVector ba1 = aa1;
        LongVector ba2 = aa1;
        LongVector ba4 = aa1;
        LongVector bb1 = aa1;
        LongVector bb2 = aa1;
        LongVector bb4 = aa1;
        for (int k = 0; k < words; k += STEP) {
            LongVector wl0 = LongVector.fromArray(L, w, la + k);
            LongVector wh0 = LongVector.fromArray(L, w, ha + k);
            LongVector wl1 = LongVector.fromArray(L, w, lb + k);
            LongVector wh1 = LongVector.fromArray(L, w, hb + k);
            LongVector xl0 = LongVector.fromArray(L, x, pa + k);
            LongVector xh0 = LongVector.fromArray(L, x, qa + k);
            LongVector xl1 = LongVector.fromArray(L, x, pb + k);
            LongVector xh1 = LongVector.fromArray(L, x, qb + k);
            aa1 = aa1.add(pop(wl0.and(xl0)));
            aa2 = aa2.add(pop(wl0.and(xh0))).add(pop(wh0.and(xl0)));
            aa4 = aa4.add(pop(wh0.and(xh0)));
            ab1 = ab1.add(pop(wl0.and(xl1)));
            ab2 = ab2.add(pop(wl0.and(xh1))).add(pop(wh0.and(xl1)));
            ab4 = ab4.add(pop(wh0.and(xh1)));
            ba1 = ba1.add(pop(wl1.and(xl0)));
            ba2 = ba2.add(pop(wl1.and(xh0))).add(pop(wh1.and(xl0)));
            ba4 = ba4.add(pop(wh1.and(xh0)));
            bb1 = bb1.add(pop(wl1.and(xl1)));
            bb2 = bb2.add(pop(wl1.and(xh1))).add(pop(wh1.and(xl1)));
            bb4 = bb4.add(pop(wh1.and(xh1)));
        }
        out[ia * n + ja] = e.apply(weigh(aa1, aa2, aa4), ia, ja);
        out[ia * n + jb] = e.apply(weigh(ab1, ab2, ab4), ia, jb);
        out[ib * n + ja] = e.apply(weigh(ba1, ba2, ba4), ib, ja);
        out[ib * n + jb] = e.apply(weigh(bb1, bb2, bb4), ib, jb);
    }

    private static long weigh(LongVector p1, LongVector p2, LongVector p4) {
        return p1.add(p2.lanewise(VectorOperators.LSHL, 1)).add(p4.lanewise(VectorOperators.LSHL, 2))
                .reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void binary(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        for (int i = i0; i < i1; i += 2) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int j = j0; j < j1; j += 2) {
                binaryTile(w, x, words, i, ib, j, Math.min(j + 1, j1 - 1), e, out, n);
            }
        }
    }

    private static void binaryTile(long[] w, long[] x, int words,
                                   int ia, int ib, int ja, int jb, Epilogue e, int[] out, int n) {
        int wa = ia * words;
        int wb = ib * words;
        int xa = ja * words;
        int xb = jb * words;
        LongVector aa = LongVector.zero(L);
        LongVector ab = aa;
        LongVector ba = aa;
        LongVector bb = aa;
        for (int k = 0; k < words; k += STEP) {
            LongVector w0 = LongVector.fromArray(L, w, wa + k);
            LongVector w1 = LongVector.fromArray(L, w, wb + k);
            LongVector x0 = LongVector.fromArray(L, x, xa + k);
            LongVector x1 = LongVector.fromArray(L, x, xb + k);
            aa = aa.add(pop(w0.lanewise(VectorOperators.XOR, x0)));
            ab = ab.add(pop(w0.lanewise(VectorOperators.XOR, x1)));
            ba = ba.add(pop(w1.lanewise(VectorOperators.XOR, x0)));
            bb = bb.add(pop(w1.lanewise(VectorOperators.XOR, x1)));
        }
        out[ia * n + ja] = e.apply(aa.reduceLanes(VectorOperators.ADD), ia, ja);
        out[ia * n + jb] = e.apply(ab.reduceLanes(VectorOperators.ADD), ia, jb);
        out[ib * n + ja] = e.apply(ba.reduceLanes(VectorOperators.ADD), ib, ja);
        out[ib * n + jb] = e.apply(bb.reduceLanes(VectorOperators.ADD), ib, jb);
    }
}

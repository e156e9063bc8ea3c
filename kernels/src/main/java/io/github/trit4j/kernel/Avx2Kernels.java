package io.github.trit4j.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 256-bit shape for x86 without AVX-512. AVX2 has no vector popcount: the JIT turns
 * {@code BIT_COUNT} into a nibble table lookup ({@code vpshufb}) on bytes, and a 64-bit
 * lane count would need a further {@code vpsadbw} per operation. So popcounts are taken
 * on byte lanes and accumulated in bytes; the bytes are widened and summed only every
 * {@value #FLUSH} iterations (at most 16 counted bits per byte lane per iteration keeps
 * every byte below 256).
 *
 * <p>2 x 2 output tiles, edge tiles repeat the last row or column, as in
 * {@link Avx512Kernels}. Loaded only through reflection by {@link KernelProvider}.
 */
public final class Avx2Kernels implements BitKernels {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
    private static final int STEP = 4;
    /** Iterations between widenings: 15 x 16 = 240 &lt; 256. */
    private static final int FLUSH = 15;
    private static final int BLOCK = STEP * FLUSH;

    static {
        if (L.length() != STEP || B.vectorBitSize() != L.vectorBitSize()) {
            throw new AssertionError("256-bit species expected");
        }
    }

    @Override
    public Isa isa() {
        return Isa.AVX2;
    }

    private static ByteVector pop(LongVector v) {
        return v.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
    }

    /** Sum of the unsigned byte lanes (each at most 255). */
    private static long sum(ByteVector v) {
        ShortVector s = v.reinterpretAsShorts();
        return s.and((short) 0xFF).add(s.lanewise(VectorOperators.LSHR, 8)).reduceLanes(VectorOperators.ADD);
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
        long taa = 0;
        long tab = 0;
        long tba = 0;
        long tbb = 0;
        for (int k0 = 0; k0 < words; k0 += BLOCK) {
            int kEnd = Math.min(words, k0 + BLOCK);
            ByteVector aa0 = ByteVector.zero(B);
            ByteVector aa1 = aa0;
            ByteVector ab0 = aa0;
            ByteVector ab1 = aa0;
            ByteVector ba0 = aa0;
            ByteVector ba1 = aa0;
            ByteVector bb0 = aa0;
            ByteVector bb1 = aa0;
            for (int k = k0; k < kEnd; k += STEP) {
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
            taa += sum(aa0) + (sum(aa1) << shift1);
            tab += sum(ab0) + (sum(ab1) << shift1);
            tba += sum(ba0) + (sum(ba1) << shift1);
            tbb += sum(bb0) + (sum(bb1) << shift1);
        }
        out[ia * n + ja] = e.apply(taa, ia, ja);
        out[ia * n + jb] = e.apply(tab, ia, jb);
        out[ib * n + ja] = e.apply(tba, ib, ja);
        out[ib * n + jb] = e.apply(tbb, ib, jb);
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
        long taa = 0;
        long tab = 0;
        long tba = 0;
        long tbb = 0;
        for (int k0 = 0; k0 < words; k0 += BLOCK) {
            int kEnd = Math.min(words, k0 + BLOCK);
            // per output: weight 1 (lo.lo), weight 2 (lo.hi + hi.lo: up to 16 per byte lane), weight 4 (hi.hi)
            ByteVector aa1 = ByteVector.zero(B);
            ByteVector aa2 = aa1;
            ByteVector aa4 = aa1;
            ByteVector ab1 = aa1;
            ByteVector ab2 = aa1;
            ByteVector ab4 = aa1;
            ByteVector ba1 = aa1;
            ByteVector ba2 = aa1;
            ByteVector ba4 = aa1;
            ByteVector bb1 = aa1;
            ByteVector bb2 = aa1;
            ByteVector bb4 = aa1;
            for (int k = k0; k < kEnd; k += STEP) {
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
            taa += sum(aa1) + 2 * sum(aa2) + 4 * sum(aa4);
            tab += sum(ab1) + 2 * sum(ab2) + 4 * sum(ab4);
            tba += sum(ba1) + 2 * sum(ba2) + 4 * sum(ba4);
            tbb += sum(bb1) + 2 * sum(bb2) + 4 * sum(bb4);
        }
        out[ia * n + ja] = e.apply(taa, ia, ja);
        out[ia * n + jb] = e.apply(tab, ia, jb);
        out[ib * n + ja] = e.apply(tba, ib, ja);
        out[ib * n + jb] = e.apply(tbb, ib, jb);
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
        long taa = 0;
        long tab = 0;
        long tba = 0;
        long tbb = 0;
        for (int k0 = 0; k0 < words; k0 += BLOCK) {
            int kEnd = Math.min(words, k0 + BLOCK);
            ByteVector aa = ByteVector.zero(B);
            ByteVector ab = aa;
            ByteVector ba = aa;
            ByteVector bb = aa;
            for (int k = k0; k < kEnd; k += STEP) {
                LongVector w0 = LongVector.fromArray(L, w, wa + k);
                LongVector w1 = LongVector.fromArray(L, w, wb + k);
                LongVector x0 = LongVector.fromArray(L, x, xa + k);
                LongVector x1 = LongVector.fromArray(L, x, xb + k);
                aa = aa.add(pop(w0.lanewise(VectorOperators.XOR, x0)));
                ab = ab.add(pop(w0.lanewise(VectorOperators.XOR, x1)));
                ba = ba.add(pop(w1.lanewise(VectorOperators.XOR, x0)));
                bb = bb.add(pop(w1.lanewise(VectorOperators.XOR, x1)));
            }
            taa += sum(aa);
            tab += sum(ab);
            tba += sum(ba);
            tbb += sum(bb);
        }
        out[ia * n + ja] = e.apply(taa, ia, ja);
        out[ia * n + jb] = e.apply(tab, ia, jb);
        out[ib * n + ja] = e.apply(tba, ib, ja);
        out[ib * n + jb] = e.apply(tbb, ib, jb);
    }
}

package io.github.trit4j.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
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
 * <p>Along-K kernels use 2 x 2 output tiles; lane-per-column kernels ({@link ColumnPanels})
 * 2 rows x 8 columns; edge tiles repeat the last row or panel, as in {@link Avx512Kernels}.
 * Loaded only through reflection by {@link KernelProvider}.
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

    // ---- lane-per-column kernels: 2 weight rows x 2 panels of 4 columns per micro-tile ----
    //
    // As in Avx512Kernels: no helper methods on vectors in the hot loop (C2 would box them
    // once the method outgrows its inlining budget). Popcounts are taken on byte lanes and
    // summed in bytes for a few words of K; each flush spills the byte sums to a scratch
    // array, and widen() folds them into per-column long totals.

    /** Words of K between flushes of the byte accumulators, per product (max bits per byte lane per word). */
    private static final int FLUSH_FATNN = 15;          // 8 + 8 = 16 per word: 15 x 16 = 240
    private static final int FLUSH_TERNARY_TWO_BIT = 10; // 8 + 2 x 8 = 24 per word: 240
    private static final int FLUSH_TWO_BIT = 10;         // per half (lo or hi weight plane): 8 + 2 x 8 = 24

    @Override
    public int panelLanes() {
        return STEP;
    }

    @Override
    public void ternaryPanels(long[] w, int words, long[] xp, int kWords, int shift1,
                              int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n) {
        byte[] bytes = Scratch.get().bytes;
        long[] raw = Scratch.get().longs;
        for (int i = i0; i < i1; i += 2) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int p = p0; p < p1; p += 2) {
                int pb = Math.min(p + 1, p1 - 1);
                java.util.Arrays.fill(raw, 0, 4 * STEP, 0L);
                int wa = 2 * i * words;
                int wb = 2 * ib * words;
                int xa = p * kWords * 2 * STEP;
                int xb = pb * kWords * 2 * STEP;
                int flush = shift1 == 0 ? FLUSH_FATNN : FLUSH_TERNARY_TWO_BIT;
                for (int k0 = 0; k0 < kWords; k0 += flush) {
                    int k1 = Math.min(kWords, k0 + flush);
                    if (shift1 == 0) {
                        fatnnBytes(w, words, wa, wb, xp, xa, xb, k0, k1, bytes);
                    } else {
                        ternaryTwoBitBytes(w, words, wa, wb, xp, xa, xb, k0, k1, bytes);
                    }
                    widen(bytes, raw, 0);
                }
                finish(raw, i, ib, p, pb, e, out, n);
            }
        }
    }

    /** Byte-lane sums of FATNN's {@code pop(m & (a ^ s)) + pop(m & (b ^ s))} over words [k0, k1). */
    private static void fatnnBytes(long[] w, int words, int wa, int wb, long[] xp, int xa, int xb,
                                   int k0, int k1, byte[] bytes) {
        ByteVector caa = ByteVector.zero(B);
        ByteVector cab = caa;
        ByteVector cba = caa;
        ByteVector cbb = caa;
        for (int k = k0; k < k1; k++) {
            int o = k * 2 * STEP;
            LongVector a0 = LongVector.fromArray(L, xp, xa + o);
            LongVector a1 = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector b0 = LongVector.fromArray(L, xp, xb + o);
            LongVector b1 = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector m = LongVector.broadcast(L, w[wa + k]);
            LongVector s = LongVector.broadcast(L, w[wa + words + k]);
            caa = caa.add(a0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(a1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            cab = cab.add(b0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(b1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.broadcast(L, w[wb + k]);
            s = LongVector.broadcast(L, w[wb + words + k]);
            cba = cba.add(a0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(a1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            cbb = cbb.add(b0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(b1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
        }
        caa.intoArray(bytes, 0);
        cab.intoArray(bytes, B.length());
        cba.intoArray(bytes, 2 * B.length());
        cbb.intoArray(bytes, 3 * B.length());
    }

    /** Byte-lane sums of {@code pop(m & (lo ^ s)) + 2 pop(m & (hi ^ s))} over words [k0, k1). */
    private static void ternaryTwoBitBytes(long[] w, int words, int wa, int wb, long[] xp, int xa, int xb,
                                           int k0, int k1, byte[] bytes) {
        ByteVector caa = ByteVector.zero(B);
        ByteVector cab = caa;
        ByteVector cba = caa;
        ByteVector cbb = caa;
        for (int k = k0; k < k1; k++) {
            int o = k * 2 * STEP;
            LongVector a0 = LongVector.fromArray(L, xp, xa + o);
            LongVector a1 = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector b0 = LongVector.fromArray(L, xp, xb + o);
            LongVector b1 = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector m = LongVector.broadcast(L, w[wa + k]);
            LongVector s = LongVector.broadcast(L, w[wa + words + k]);
            ByteVector h = a1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            caa = caa.add(a0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(h).add(h);
            h = b1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cab = cab.add(b0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(h).add(h);
            m = LongVector.broadcast(L, w[wb + k]);
            s = LongVector.broadcast(L, w[wb + words + k]);
            h = a1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cba = cba.add(a0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(h).add(h);
            h = b1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cbb = cbb.add(b0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT))
                    .add(h).add(h);
        }
        caa.intoArray(bytes, 0);
        cab.intoArray(bytes, B.length());
        cba.intoArray(bytes, 2 * B.length());
        cbb.intoArray(bytes, 3 * B.length());
    }

    @Override
    public void twoBitPanels(long[] w, int words, long[] xp, int kWords,
                             int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n) {
        byte[] bytes = Scratch.get().bytes;
        long[] raw = Scratch.get().longs;
        for (int i = i0; i < i1; i += 2) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int p = p0; p < p1; p += 2) {
                int pb = Math.min(p + 1, p1 - 1);
                java.util.Arrays.fill(raw, 0, 4 * STEP, 0L);
                int xa = p * kWords * 2 * STEP;
                int xb = pb * kWords * 2 * STEP;
                for (int k0 = 0; k0 < kWords; k0 += FLUSH_TWO_BIT) {
                    int k1 = Math.min(kWords, k0 + FLUSH_TWO_BIT);
                    // (pop(wl&xl) + 2 pop(wl&xh)) + 2 (pop(wh&xl) + 2 pop(wh&xh)): weight plane lo, then hi
                    twoBitHalfBytes(w, 2 * i * words, 2 * ib * words, xp, xa, xb, k0, k1, bytes);
                    widen(bytes, raw, 0);
                    twoBitHalfBytes(w, 2 * i * words + words, 2 * ib * words + words, xp, xa, xb, k0, k1, bytes);
                    widen(bytes, raw, 1);
                }
                finish(raw, i, ib, p, pb, e, out, n);
            }
        }
    }

    /** Byte-lane sums of {@code pop(v & xl) + 2 pop(v & xh)} for one weight plane v of rows a, b. */
    private static void twoBitHalfBytes(long[] w, int wa, int wb, long[] xp, int xa, int xb,
                                        int k0, int k1, byte[] bytes) {
        ByteVector caa = ByteVector.zero(B);
        ByteVector cab = caa;
        ByteVector cba = caa;
        ByteVector cbb = caa;
        for (int k = k0; k < k1; k++) {
            int o = k * 2 * STEP;
            LongVector al = LongVector.fromArray(L, xp, xa + o);
            LongVector ah = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector bl = LongVector.fromArray(L, xp, xb + o);
            LongVector bh = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector v = LongVector.broadcast(L, w[wa + k]);
            ByteVector h = ah.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            caa = caa.add(al.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            h = bh.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cab = cab.add(bl.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            v = LongVector.broadcast(L, w[wb + k]);
            h = ah.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cba = cba.add(al.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            h = bh.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            cbb = cbb.add(bl.and(v).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
        }
        caa.intoArray(bytes, 0);
        cab.intoArray(bytes, B.length());
        cba.intoArray(bytes, 2 * B.length());
        cbb.intoArray(bytes, 3 * B.length());
    }

    /**
     * raw[o * STEP + lane] += 2^shift * (sum of the 8 unsigned bytes of long lane {@code lane} of
     * output vector o), for the 4 output vectors spilled in {@code bytes}: pairwise widening
     * bytes -> shorts -> ints -> longs, the Vector API's stand-in for {@code vpsadbw}.
     */
    private static void widen(byte[] bytes, long[] raw, int shift) {
        for (int o = 0; o < 4; o++) {
            ShortVector s = ByteVector.fromArray(B, bytes, o * B.length()).reinterpretAsShorts();
            s = s.and((short) 0xFF).add(s.lanewise(VectorOperators.LSHR, 8));
            IntVector i = s.reinterpretAsInts();
            i = i.and(0xFFFF).add(i.lanewise(VectorOperators.LSHR, 16));
            LongVector l = i.reinterpretAsLongs();
            l = l.and(0xFFFFFFFFL).add(l.lanewise(VectorOperators.LSHR, 32));
            LongVector.fromArray(L, raw, o * STEP).add(l.lanewise(VectorOperators.LSHL, shift)).intoArray(raw, o * STEP);
        }
    }

    /** Finishes a micro-tile (row ra: panels pa, pb; row rb: pa, pb): epilogue in int lanes, stores masked at N. */
    private static void finish(long[] raw, int ra, int rb, int pa, int pb, Epilogue e, int[] out, int n) {
        finishLanes(raw, 0, ra, pa * STEP, e, out, n);
        finishLanes(raw, STEP, ra, pb * STEP, e, out, n);
        finishLanes(raw, 2 * STEP, rb, pa * STEP, e, out, n);
        finishLanes(raw, 3 * STEP, rb, pb * STEP, e, out, n);
    }

    private static void finishLanes(long[] raw, int from, int i, int j, Epilogue e, int[] out, int n) {
        for (int lane = 0; lane < STEP && j + lane < n; lane++) {
            out[i * n + j + lane] = e.apply(raw[from + lane], i, j + lane);
        }
    }
}

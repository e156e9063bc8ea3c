package io.github.trit4j.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 512-bit shape: 64-bit lanes with native lane popcount (AVX-512 VPOPCNTDQ turns
 * {@code BIT_COUNT} on longs into one {@code vpopcntq}), so the popcount is as cheap as
 * the AND/XOR around it and no carry-save folding is needed.
 *
 * <p>Two kinds of micro-kernel, each holding its accumulators in registers over the whole
 * K loop: lane-per-column kernels on {@link ColumnPanels} (2 weight rows x 16 columns,
 * no lane reduction, K padded to 64 bits) for N of at least 8, and along-K kernels (4
 * weight rows x 1 column, one lane reduction per output) for small N and binary. Edge
 * tiles repeat the last row or panel (the repeated output is written twice with the same
 * value), so odd M or N run at vector speed without a scalar tail.
 *
 * <p>Loaded only through reflection by {@link KernelProvider}, after it has checked that
 * the vector module is present.
 */
public final class Avx512Kernels implements BitKernels {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    /** Eight int lanes: the finished outputs of one panel of eight columns. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
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

    // ---- along-K kernels (small N, binary): 4 weight rows x 1 activation row per micro-tile ----
    //
    // Used where N is below one panel (a batch-1 linear layer streams the weights once:
    // the activation row stays in L1 while 4 weight rows stream past it) and for binary.
    // Written, like the panel kernels below, without helper methods on vectors: see there.

    @Override
    public void ternary(long[] w, long[] x, int words, int shift1,
                        int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        long[] raw = new long[8];
        for (int j = j0; j < j1; j++) {
            for (int i = i0; i < i1; i += 4) {
                int last = i1 - 1;
                int r1 = Math.min(i + 1, last);
                int r2 = Math.min(i + 2, last);
                int r3 = Math.min(i + 3, last);
                ternaryAlongK(w, x, words, i, r1, r2, r3, j, raw);
                out[i * n + j] = e.apply(raw[0] + (raw[4] << shift1), i, j);
                out[r1 * n + j] = e.apply(raw[1] + (raw[5] << shift1), r1, j);
                out[r2 * n + j] = e.apply(raw[2] + (raw[6] << shift1), r2, j);
                out[r3 * n + j] = e.apply(raw[3] + (raw[7] << shift1), r3, j);
            }
        }
    }

    /** raw[r] = sum pop(m_r & (x0 ^ s_r)), raw[4 + r] = sum pop(m_r & (x1 ^ s_r)). */
    private static void ternaryAlongK(long[] w, long[] x, int words, int r0, int r1, int r2, int r3, int j,
                                      long[] raw) {
        int w0 = 2 * r0 * words;
        int w1 = 2 * r1 * words;
        int w2 = 2 * r2 * words;
        int w3 = 2 * r3 * words;
        int xj = 2 * j * words;
        LongVector p0 = LongVector.zero(L);
        LongVector p1 = p0;
        LongVector p2 = p0;
        LongVector p3 = p0;
        LongVector q0 = p0;
        LongVector q1 = p0;
        LongVector q2 = p0;
        LongVector q3 = p0;
        for (int k = 0; k < words; k += STEP) {
            LongVector a = LongVector.fromArray(L, x, xj + k);
            LongVector b = LongVector.fromArray(L, x, xj + words + k);
            LongVector m = LongVector.fromArray(L, w, w0 + k);
            LongVector s = LongVector.fromArray(L, w, w0 + words + k);
            p0 = p0.add(a.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            q0 = q0.add(b.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.fromArray(L, w, w1 + k);
            s = LongVector.fromArray(L, w, w1 + words + k);
            p1 = p1.add(a.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            q1 = q1.add(b.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.fromArray(L, w, w2 + k);
            s = LongVector.fromArray(L, w, w2 + words + k);
            p2 = p2.add(a.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            q2 = q2.add(b.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.fromArray(L, w, w3 + k);
            s = LongVector.fromArray(L, w, w3 + words + k);
            p3 = p3.add(a.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            q3 = q3.add(b.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
        }
        raw[0] = p0.reduceLanes(VectorOperators.ADD);
        raw[1] = p1.reduceLanes(VectorOperators.ADD);
        raw[2] = p2.reduceLanes(VectorOperators.ADD);
        raw[3] = p3.reduceLanes(VectorOperators.ADD);
        raw[4] = q0.reduceLanes(VectorOperators.ADD);
        raw[5] = q1.reduceLanes(VectorOperators.ADD);
        raw[6] = q2.reduceLanes(VectorOperators.ADD);
        raw[7] = q3.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void twoBit(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        long[] raw = new long[4];
        for (int j = j0; j < j1; j++) {
            for (int i = i0; i < i1; i += 4) {
                int last = i1 - 1;
                int r1 = Math.min(i + 1, last);
                int r2 = Math.min(i + 2, last);
                int r3 = Math.min(i + 3, last);
                twoBitAlongK(w, x, words, i, r1, r2, r3, j, raw);
                out[i * n + j] = e.apply(raw[0], i, j);
                out[r1 * n + j] = e.apply(raw[1], r1, j);
                out[r2 * n + j] = e.apply(raw[2], r2, j);
                out[r3 * n + j] = e.apply(raw[3], r3, j);
            }
        }
    }

    /** raw[r] = sum over words of (pop(wl&xl) + 2 pop(wl&xh)) + 2 (pop(wh&xl) + 2 pop(wh&xh)) for row r. */
    private static void twoBitAlongK(long[] w, long[] x, int words, int r0, int r1, int r2, int r3, int j,
                                     long[] raw) {
        int w0 = 2 * r0 * words;
        int w1 = 2 * r1 * words;
        int w2 = 2 * r2 * words;
        int w3 = 2 * r3 * words;
        int xj = 2 * j * words;
        LongVector c0 = LongVector.zero(L);
        LongVector c1 = c0;
        LongVector c2 = c0;
        LongVector c3 = c0;
        for (int k = 0; k < words; k += STEP) {
            LongVector xl = LongVector.fromArray(L, x, xj + k);
            LongVector xh = LongVector.fromArray(L, x, xj + words + k);
            LongVector lo = LongVector.fromArray(L, w, w0 + k);
            LongVector hi = LongVector.fromArray(L, w, w0 + words + k);
            LongVector t = xl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(xh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(xh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c0 = c0.add(xl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.fromArray(L, w, w1 + k);
            hi = LongVector.fromArray(L, w, w1 + words + k);
            t = xl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(xh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(xh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c1 = c1.add(xl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.fromArray(L, w, w2 + k);
            hi = LongVector.fromArray(L, w, w2 + words + k);
            t = xl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(xh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(xh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c2 = c2.add(xl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.fromArray(L, w, w3 + k);
            hi = LongVector.fromArray(L, w, w3 + words + k);
            t = xl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(xh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(xh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c3 = c3.add(xl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
        }
        raw[0] = c0.reduceLanes(VectorOperators.ADD);
        raw[1] = c1.reduceLanes(VectorOperators.ADD);
        raw[2] = c2.reduceLanes(VectorOperators.ADD);
        raw[3] = c3.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void binary(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        long[] raw = new long[4];
        for (int j = j0; j < j1; j++) {
            for (int i = i0; i < i1; i += 4) {
                int last = i1 - 1;
                int r1 = Math.min(i + 1, last);
                int r2 = Math.min(i + 2, last);
                int r3 = Math.min(i + 3, last);
                binaryAlongK(w, x, words, i, r1, r2, r3, j, raw);
                out[i * n + j] = e.apply(raw[0], i, j);
                out[r1 * n + j] = e.apply(raw[1], r1, j);
                out[r2 * n + j] = e.apply(raw[2], r2, j);
                out[r3 * n + j] = e.apply(raw[3], r3, j);
            }
        }
    }

    /** raw[r] = sum pop(w_r ^ x). */
    private static void binaryAlongK(long[] w, long[] x, int words, int r0, int r1, int r2, int r3, int j,
                                     long[] raw) {
        int xj = j * words;
        LongVector c0 = LongVector.zero(L);
        LongVector c1 = c0;
        LongVector c2 = c0;
        LongVector c3 = c0;
        for (int k = 0; k < words; k += STEP) {
            LongVector v = LongVector.fromArray(L, x, xj + k);
            c0 = c0.add(LongVector.fromArray(L, w, r0 * words + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c1 = c1.add(LongVector.fromArray(L, w, r1 * words + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c2 = c2.add(LongVector.fromArray(L, w, r2 * words + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c3 = c3.add(LongVector.fromArray(L, w, r3 * words + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
        }
        raw[0] = c0.reduceLanes(VectorOperators.ADD);
        raw[1] = c1.reduceLanes(VectorOperators.ADD);
        raw[2] = c2.reduceLanes(VectorOperators.ADD);
        raw[3] = c3.reduceLanes(VectorOperators.ADD);
    }

    // ---- lane-per-column kernels: 2 weight rows x 2 panels of 8 columns per micro-tile ----
    //
    // C2 inlines every Vector API call into the compiled method, and gives up inlining
    // (NodeCountInliningCutoff, "callee is too large") once a method grows past its
    // budget; a vector value that crosses a call that was not inlined is boxed on the heap,
    // and the kernel runs 10x slower. So each micro-kernel is one small loop with no helper
    // calls that take or return vectors, and the epilogue runs in a separate method on
    // raw sums spilled to a scratch array.

    private static final int TILE_ROWS = 2;

    @Override
    public int panelLanes() {
        return STEP;
    }

    @Override
    public void ternaryPanels(long[] w, int words, long[] xp, int kWords, int shift1,
                              int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n) {
        long[] raw = new long[4 * STEP];
        for (int i = i0; i < i1; i += TILE_ROWS) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int p = p0; p < p1; p += 2) {
                int pb = Math.min(p + 1, p1 - 1);
                if (shift1 == 0) {
                    fatnnMicro(w, words, xp, kWords, i, ib, p, pb, raw);
                } else {
                    ternaryTwoBitMicro(w, words, xp, kWords, i, ib, p, pb, raw);
                }
                finish(raw, i, ib, p, pb, e, out, n);
            }
        }
    }

    /** FATNN: per output and word, {@code pop(m & (a ^ s)) + pop(m & (b ^ s))}. */
    private static void fatnnMicro(long[] w, int words, long[] xp, int kWords,
                                   int ra, int rb, int pa, int pb, long[] raw) {
        int wa = 2 * ra * words;
        int wb = 2 * rb * words;
        int xa = pa * kWords * 2 * STEP;
        int xb = pb * kWords * 2 * STEP;
        LongVector caa = LongVector.zero(L);
        LongVector cab = caa;
        LongVector cba = caa;
        LongVector cbb = caa;
        for (int k = 0; k < kWords; k++) {
            int o = k * 2 * STEP;
            LongVector a0 = LongVector.fromArray(L, xp, xa + o);
            LongVector a1 = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector b0 = LongVector.fromArray(L, xp, xb + o);
            LongVector b1 = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector m = LongVector.broadcast(L, w[wa + k]);
            LongVector s = LongVector.broadcast(L, w[wa + words + k]);
            caa = caa.add(a0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT))
                    .add(a1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            cab = cab.add(b0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT))
                    .add(b1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.broadcast(L, w[wb + k]);
            s = LongVector.broadcast(L, w[wb + words + k]);
            cba = cba.add(a0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT))
                    .add(a1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            cbb = cbb.add(b0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT))
                    .add(b1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
        }
        caa.intoArray(raw, 0);
        cab.intoArray(raw, STEP);
        cba.intoArray(raw, 2 * STEP);
        cbb.intoArray(raw, 3 * STEP);
    }

    /** Ternary x 2-bit: per output and word, {@code pop(m & (lo ^ s)) + 2 pop(m & (hi ^ s))}. */
    private static void ternaryTwoBitMicro(long[] w, int words, long[] xp, int kWords,
                                           int ra, int rb, int pa, int pb, long[] raw) {
        int wa = 2 * ra * words;
        int wb = 2 * rb * words;
        int xa = pa * kWords * 2 * STEP;
        int xb = pb * kWords * 2 * STEP;
        LongVector caa = LongVector.zero(L);
        LongVector cab = caa;
        LongVector cba = caa;
        LongVector cbb = caa;
        for (int k = 0; k < kWords; k++) {
            int o = k * 2 * STEP;
            LongVector a0 = LongVector.fromArray(L, xp, xa + o);
            LongVector a1 = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector b0 = LongVector.fromArray(L, xp, xb + o);
            LongVector b1 = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector m = LongVector.broadcast(L, w[wa + k]);
            LongVector s = LongVector.broadcast(L, w[wa + words + k]);
            LongVector h = a1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT);
            caa = caa.add(a0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            h = b1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT);
            cab = cab.add(b0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            m = LongVector.broadcast(L, w[wb + k]);
            s = LongVector.broadcast(L, w[wb + words + k]);
            h = a1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT);
            cba = cba.add(a0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            h = b1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT);
            cbb = cbb.add(b0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
        }
        caa.intoArray(raw, 0);
        cab.intoArray(raw, STEP);
        cba.intoArray(raw, 2 * STEP);
        cbb.intoArray(raw, 3 * STEP);
    }

    @Override
    public void twoBitPanels(long[] w, int words, long[] xp, int kWords,
                             int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n) {
        long[] raw = new long[4 * STEP];
        for (int i = i0; i < i1; i += TILE_ROWS) {
            int ib = Math.min(i + 1, i1 - 1);
            for (int p = p0; p < p1; p += 2) {
                int pb = Math.min(p + 1, p1 - 1);
                twoBitMicro(w, words, xp, kWords, i, ib, p, pb, raw);
                finish(raw, i, ib, p, pb, e, out, n);
            }
        }
    }

    /**
     * 2-bit x 2-bit, the conventional network's cost: per output and word
     * {@code (pop(wl&xl) + 2 pop(wl&xh)) + 2 (pop(wh&xl) + 2 pop(wh&xh))}, 4 popcounts.
     */
    private static void twoBitMicro(long[] w, int words, long[] xp, int kWords,
                                    int ra, int rb, int pa, int pb, long[] raw) {
        int wa = 2 * ra * words;
        int wb = 2 * rb * words;
        int xa = pa * kWords * 2 * STEP;
        int xb = pb * kWords * 2 * STEP;
        LongVector caa = LongVector.zero(L);
        LongVector cab = caa;
        LongVector cba = caa;
        LongVector cbb = caa;
        for (int k = 0; k < kWords; k++) {
            int o = k * 2 * STEP;
            LongVector al = LongVector.fromArray(L, xp, xa + o);
            LongVector ah = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector bl = LongVector.fromArray(L, xp, xb + o);
            LongVector bh = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector lo = LongVector.broadcast(L, w[wa + k]);
            LongVector hi = LongVector.broadcast(L, w[wa + words + k]);
            LongVector t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            caa = caa.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            cab = cab.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.broadcast(L, w[wb + k]);
            hi = LongVector.broadcast(L, w[wb + words + k]);
            t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            cba = cba.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            cbb = cbb.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
        }
        caa.intoArray(raw, 0);
        cab.intoArray(raw, STEP);
        cba.intoArray(raw, 2 * STEP);
        cbb.intoArray(raw, 3 * STEP);
    }

    /**
     * Finishes a micro-tile from its raw sums (row ra: panels pa, pb; then row rb): the
     * epilogue in int lanes, stores masked at column N. A repeated edge row or panel
     * writes the same values twice.
     */
    private static void finish(long[] raw, int ra, int rb, int pa, int pb, Epilogue e, int[] out, int n) {
        finishLanes(raw, 0, ra, pa * STEP, e, out, n);
        finishLanes(raw, STEP, ra, pb * STEP, e, out, n);
        finishLanes(raw, 2 * STEP, rb, pa * STEP, e, out, n);
        finishLanes(raw, 3 * STEP, rb, pb * STEP, e, out, n);
    }

    private static void finishLanes(long[] raw, int from, int i, int j, Epilogue e, int[] out, int n) {
        VectorMask<Integer> valid = I.indexInRange(j, n);
        IntVector v = ((IntVector) LongVector.fromArray(L, raw, from).convertShape(VectorOperators.L2I, I, 0))
                .mul(e.alpha()).add(e.rowConstant(i));
        if (e.colTerm() != null) {
            v = v.add(IntVector.fromArray(I, e.colTerm(), j, valid).mul(e.colScale()));
        }
        v.intoArray(out, i * n + j, valid);
    }
}

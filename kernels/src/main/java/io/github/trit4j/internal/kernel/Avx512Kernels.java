package io.github.trit4j.internal.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 512-bit shape: 64-bit lanes with native lane popcount (AVX-512 VPOPCNTDQ turns
 * {@code BIT_COUNT} on longs into one {@code vpopcntq}), so the popcount is as cheap as
 * the AND/XOR around it and no carry-save folding is needed.
 *
 * <p>Two kinds of micro-kernel, each holding its accumulators in registers over the whole
 * K loop: lane-per-column kernels on {@link ColumnPanels} (4 weight rows x 16 columns,
 * no lane reduction, K padded to 64 bits) for N of at least 8, and along-K kernels (4
 * weight rows x 1 column, one lane reduction per output) for N below 8. Edge tiles repeat
 * the last row or panel (a repeated row is written twice with the same value, an edge
 * tile's columns past the block are computed but not copied out), so odd M or N run at
 * vector speed without a scalar tail.
 *
 * <p>Loaded only through reflection by {@link KernelProvider}, after it has checked that
 * the vector module is present.
 */
final class Avx512Kernels implements BitKernels {

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

    // ---- along-K kernels (small N): 4 weight rows x 1 activation row per micro-tile ----
    //
    // Used where N is below one panel (a batch-1 linear layer streams the weights once:
    // the activation row stays in L1 while 4 weight rows stream past it).
    // Written, like the panel kernels below, without helper methods on vectors: see there.

    @Override
    public void ternaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                              long[] raw, byte[] bytes) {
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
        raw[0] += p0.reduceLanes(VectorOperators.ADD);
        raw[1] += p1.reduceLanes(VectorOperators.ADD);
        raw[2] += p2.reduceLanes(VectorOperators.ADD);
        raw[3] += p3.reduceLanes(VectorOperators.ADD);
        raw[4] += q0.reduceLanes(VectorOperators.ADD);
        raw[5] += q1.reduceLanes(VectorOperators.ADD);
        raw[6] += q2.reduceLanes(VectorOperators.ADD);
        raw[7] += q3.reduceLanes(VectorOperators.ADD);
    }

    /** The whole 2-bit product, (pop(wl&xl) + 2 pop(wl&xh)) + 2 (pop(wh&xl) + 2 pop(wh&xh)), goes to raw[r]. */
    @Override
    public void twoBitAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
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
        raw[0] += c0.reduceLanes(VectorOperators.ADD);
        raw[1] += c1.reduceLanes(VectorOperators.ADD);
        raw[2] += c2.reduceLanes(VectorOperators.ADD);
        raw[3] += c3.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void binaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
        LongVector c0 = LongVector.zero(L);
        LongVector c1 = c0;
        LongVector c2 = c0;
        LongVector c3 = c0;
        for (int k = 0; k < words; k += STEP) {
            LongVector v = LongVector.fromArray(L, x, xj + k);
            c0 = c0.add(LongVector.fromArray(L, w, w0 + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c1 = c1.add(LongVector.fromArray(L, w, w1 + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c2 = c2.add(LongVector.fromArray(L, w, w2 + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
            c3 = c3.add(LongVector.fromArray(L, w, w3 + k).lanewise(VectorOperators.XOR, v)
                    .lanewise(VectorOperators.BIT_COUNT));
        }
        raw[0] += c0.reduceLanes(VectorOperators.ADD);
        raw[1] += c1.reduceLanes(VectorOperators.ADD);
        raw[2] += c2.reduceLanes(VectorOperators.ADD);
        raw[3] += c3.reduceLanes(VectorOperators.ADD);
    }

    // ---- lane-per-column kernels: 4 weight rows x 2 panels of 8 columns per micro-tile ----
    //
    // C2 inlines every Vector API call into the compiled method, and gives up inlining
    // (NodeCountInliningCutoff, "callee is too large") once a method grows past its
    // budget; a vector value that crosses a call that was not inlined is boxed on the heap,
    // and the kernel runs 10x slower. So each micro-kernel is one loop with no helper calls
    // that take or return vectors.
    //
    // The ternary kernel (FATNN, ternary x 2-bit, ternary x ternary) and the binary kernel
    // finish their own outputs (int lanes, whole-vector stores): spilling the sums to a scratch
    // array for a separate epilogue cost 10-25% of a FATNN product with K <= 1152. The
    // conventional 2-bit kernel keeps the scratch epilogue: with the epilogue inside, its
    // method is too large for C1 ("COMPILE SKIPPED: out of virtual registers"), and a kernel
    // that C1 compiled at tier 2 (as it does while C2 is busy) and cannot recompile at tier 3
    // can stay there, running its Vector API calls boxed at 2-3 GMAC/s. For the same reason
    // the tile stays 4 x 2: a 4 x 4 FATNN kernel measured 5-15% faster once in C2, but is as
    // large. Keep these methods near their present size (1157 bytes for the ternary kernel).
    //
    // One micro-kernel per product serves every tile, the edges included: a last odd panel
    // is paired with itself (the driver copies out only the columns inside the block, see
    // panels) and a tail of rows repeats the last row. A narrower kernel for the
    // edges would run so rarely that it stays in the interpreter, where every Vector API
    // call allocates: a 4 x 2 edge kernel beside a 4 x 4 one took most of a product's time.

    private static final int TILE_ROWS = 4;

    @Override
    public int panelLanes() {
        return STEP;
    }

    @Override
    public boolean hasPanels(Kernel.Sum sum) {
        return true;
    }

    /**
     * The one panel driver of this shape: 4 rows x 2 panels per micro-tile, whatever the
     * product. The ternary and binary micro-kernels finish their own outputs with the
     * epilogue's alpha and row constants, all that {@link Kernel} gives those products; the
     * 2-bit one spills its sums for {@link #finish}.
     *
     * <p>The ternary and binary micro-kernels store whole vectors, unmasked: a tile whose two
     * panels lie inside the block stores straight into {@code out}, an edge tile (a panel
     * reaching past {@code limit}, or a last odd panel paired with itself) into the thread's
     * scratch, from which the columns inside the block are copied here. Masked stores inside
     * the kernel made its C2 code depend on the profile at compile time: the mask arithmetic
     * ({@code indexInRange}: a branch per case, {@code maskAll}, {@code compare},
     * {@code fromBitsCoerced}) was intrinsified in some JVMs and left as calls or uncommon
     * traps in others, so the same product settled at two different speeds.
     */
    @Override
    public void panels(Kernel kernel, long[] w, int words, long[] xp, int kWords,
                       int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n) {
        Kernel.Sum sum = kernel.sum();
        int shift = sum.highShift();
        int alpha = e.alpha();
        Scratch scratch = Scratch.get();
        long[] raw = scratch.longs;
        int[] edge = scratch.ints;
        int limit = Math.min(n, p1 * STEP);
        int last = i1 - 1;
        for (int i = i0; i < i1; i += TILE_ROWS) {
            int r1 = Math.min(i + 1, last);
            int r2 = Math.min(i + 2, last);
            int r3 = Math.min(i + 3, last);
            int k0 = e.rowConstant(i);
            int k1 = e.rowConstant(r1);
            int k2 = e.rowConstant(r2);
            int k3 = e.rowConstant(r3);
            for (int p = p0; p < p1; p += 2) {
                int pb = Math.min(p + 1, p1 - 1);
                int j = p * STEP;
                // both panels inside the block (then pb == p + 1): the kernel stores into out
                boolean whole = j + 2 * STEP <= limit;
                switch (sum) {
                    case THERMOMETER, TERNARY_TWO_BIT -> {
                        if (whole) {
                            ternaryMicro(w, words, xp, kWords, shift, i, r1, r2, r3, k0, k1, k2, k3, p, pb,
                                    out, i * n + j, r1 * n + j, r2 * n + j, r3 * n + j);
                        } else {
                            ternaryMicro(w, words, xp, kWords, shift, i, r1, r2, r3, k0, k1, k2, k3, p, pb,
                                    edge, 0, 2 * STEP, 4 * STEP, 6 * STEP);
                            copyEdge(edge, i, r1, r2, r3, j, limit, out, n);
                        }
                    }
                    case BINARY -> {
                        if (whole) {
                            binaryMicro(w, words, xp, kWords, i, r1, r2, r3, k0, k1, k2, k3, p, pb, alpha,
                                    out, i * n + j, r1 * n + j, r2 * n + j, r3 * n + j);
                        } else {
                            binaryMicro(w, words, xp, kWords, i, r1, r2, r3, k0, k1, k2, k3, p, pb, alpha,
                                    edge, 0, 2 * STEP, 4 * STEP, 6 * STEP);
                            copyEdge(edge, i, r1, r2, r3, j, limit, out, n);
                        }
                    }
                    case TWO_BIT -> {
                        twoBitMicro4(w, words, xp, kWords, i, r1, r2, r3, p, pb, raw);
                        finish(raw, i, r1, r2, r3, p, pb, e, out, n, edge);
                    }
                }
            }
        }
    }

    /**
     * Copies an edge tile's outputs (rows r0..r3 of {@code edge}, 2 panels each) into
     * {@code out} from column {@code j}, up to column {@code limit}. A repeated row is written
     * twice with the same values.
     */
    private static void copyEdge(int[] edge, int r0, int r1, int r2, int r3, int j, int limit, int[] out, int n) {
        int len = Math.min(2 * STEP, limit - j);
        System.arraycopy(edge, 0, out, r0 * n + j, len);
        System.arraycopy(edge, 2 * STEP, out, r1 * n + j, len);
        System.arraycopy(edge, 4 * STEP, out, r2 * n + j, len);
        System.arraycopy(edge, 6 * STEP, out, r3 * n + j, len);
    }

    /**
     * Ternary weights (m, s) on 4 rows x 2 panels of two activation planes (x0, x1): per
     * output and word {@code pop(m & (x0 ^ s))} into one accumulator and
     * {@code pop(m & (x1 ^ s))} into another, combined once at the end as
     * {@code acc0 + (acc1 << highShift)}. FATNN (thermometer planes, shift 0), ternary x 2-bit
     * (lo, hi; shift 1) and ternary x ternary (offset thermometer planes) cost the same: C2
     * fuses each XOR-AND into one {@code vpternlogd}, so 2 logic ops, 2 {@code vpopcntq} and
     * 2 adds per output and word. Two add chains per output measured at least as fast as
     * one chain of two adds; 16 accumulators fit AVX-512's 32 registers.
     */
    private static void ternaryMicro(long[] w, int words, long[] xp, int kWords, int highShift,
            int r0, int r1, int r2, int r3, int k0, int k1, int k2, int k3,
            int pa, int pb, int[] dst, int d0, int d1, int d2, int d3) {
        int w0 = 2 * r0 * words;
        int w1 = 2 * r1 * words;
        int w2 = 2 * r2 * words;
        int w3 = 2 * r3 * words;
        int xa = pa * kWords * 2 * STEP;
        int xb = pb * kWords * 2 * STEP;
        LongVector c0a = LongVector.zero(L);
        LongVector c0b = c0a;
        LongVector c1a = c0a;
        LongVector c1b = c0a;
        LongVector c2a = c0a;
        LongVector c2b = c0a;
        LongVector c3a = c0a;
        LongVector c3b = c0a;
        LongVector h0a = c0a;
        LongVector h0b = c0a;
        LongVector h1a = c0a;
        LongVector h1b = c0a;
        LongVector h2a = c0a;
        LongVector h2b = c0a;
        LongVector h3a = c0a;
        LongVector h3b = c0a;
        for (int k = 0; k < kWords; k++) {
            int o = k * 2 * STEP;
            LongVector va0 = LongVector.fromArray(L, xp, xa + o);
            LongVector va1 = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector vb0 = LongVector.fromArray(L, xp, xb + o);
            LongVector vb1 = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector m = LongVector.broadcast(L, w[w0 + k]);
            LongVector s = LongVector.broadcast(L, w[w0 + words + k]);
            c0a = c0a.add(va0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h0a = h0a.add(va1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            c0b = c0b.add(vb0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h0b = h0b.add(vb1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.broadcast(L, w[w1 + k]);
            s = LongVector.broadcast(L, w[w1 + words + k]);
            c1a = c1a.add(va0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h1a = h1a.add(va1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            c1b = c1b.add(vb0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h1b = h1b.add(vb1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.broadcast(L, w[w2 + k]);
            s = LongVector.broadcast(L, w[w2 + words + k]);
            c2a = c2a.add(va0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h2a = h2a.add(va1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            c2b = c2b.add(vb0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h2b = h2b.add(vb1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            m = LongVector.broadcast(L, w[w3 + k]);
            s = LongVector.broadcast(L, w[w3 + words + k]);
            c3a = c3a.add(va0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h3a = h3a.add(va1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            c3b = c3b.add(vb0.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
            h3b = h3b.add(vb1.lanewise(VectorOperators.XOR, s).and(m).lanewise(VectorOperators.BIT_COUNT));
        }
        c0a = c0a.add(h0a.lanewise(VectorOperators.LSHL, highShift));
        c0b = c0b.add(h0b.lanewise(VectorOperators.LSHL, highShift));
        c1a = c1a.add(h1a.lanewise(VectorOperators.LSHL, highShift));
        c1b = c1b.add(h1b.lanewise(VectorOperators.LSHL, highShift));
        c2a = c2a.add(h2a.lanewise(VectorOperators.LSHL, highShift));
        c2b = c2b.add(h2b.lanewise(VectorOperators.LSHL, highShift));
        c3a = c3a.add(h3a.lanewise(VectorOperators.LSHL, highShift));
        c3b = c3b.add(h3b.lanewise(VectorOperators.LSHL, highShift));
        // the epilogue in int lanes: whole vectors, row r's panel a at d_r and panel b at d_r + STEP
        // (the driver points an edge tile at its scratch)
        ((IntVector) c0a.convertShape(VectorOperators.L2I, I, 0)).add(k0).intoArray(dst, d0);
        ((IntVector) c0b.convertShape(VectorOperators.L2I, I, 0)).add(k0).intoArray(dst, d0 + STEP);
        ((IntVector) c1a.convertShape(VectorOperators.L2I, I, 0)).add(k1).intoArray(dst, d1);
        ((IntVector) c1b.convertShape(VectorOperators.L2I, I, 0)).add(k1).intoArray(dst, d1 + STEP);
        ((IntVector) c2a.convertShape(VectorOperators.L2I, I, 0)).add(k2).intoArray(dst, d2);
        ((IntVector) c2b.convertShape(VectorOperators.L2I, I, 0)).add(k2).intoArray(dst, d2 + STEP);
        ((IntVector) c3a.convertShape(VectorOperators.L2I, I, 0)).add(k3).intoArray(dst, d3);
        ((IntVector) c3b.convertShape(VectorOperators.L2I, I, 0)).add(k3).intoArray(dst, d3 + STEP);
    }

    /**
     * 2-bit x 2-bit, the conventional network's cost: per output and word
     * {@code (pop(wl&xl) + 2 pop(wl&xh)) + 2 (pop(wh&xl) + 2 pop(wh&xh))}, 4 popcounts.
     */
    private static void twoBitMicro4(long[] w, int words, long[] xp, int kWords,
                                    int r0, int r1, int r2, int r3, int pa, int pb, long[] raw) {
        int w0 = 2 * r0 * words;
        int w1 = 2 * r1 * words;
        int w2 = 2 * r2 * words;
        int w3 = 2 * r3 * words;
        int xa = pa * kWords * 2 * STEP;
        int xb = pb * kWords * 2 * STEP;
        LongVector c0a = LongVector.zero(L);
        LongVector c0b = c0a;
        LongVector c1a = c0a;
        LongVector c1b = c0a;
        LongVector c2a = c0a;
        LongVector c2b = c0a;
        LongVector c3a = c0a;
        LongVector c3b = c0a;
        for (int k = 0; k < kWords; k++) {
            int o = k * 2 * STEP;
            LongVector al = LongVector.fromArray(L, xp, xa + o);
            LongVector ah = LongVector.fromArray(L, xp, xa + o + STEP);
            LongVector bl = LongVector.fromArray(L, xp, xb + o);
            LongVector bh = LongVector.fromArray(L, xp, xb + o + STEP);
            LongVector lo = LongVector.broadcast(L, w[w0 + k]);
            LongVector hi = LongVector.broadcast(L, w[w0 + words + k]);
            LongVector t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c0a = c0a.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c0b = c0b.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.broadcast(L, w[w1 + k]);
            hi = LongVector.broadcast(L, w[w1 + words + k]);
            t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c1a = c1a.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c1b = c1b.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.broadcast(L, w[w2 + k]);
            hi = LongVector.broadcast(L, w[w2 + words + k]);
            t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c2a = c2a.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c2b = c2b.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            lo = LongVector.broadcast(L, w[w3 + k]);
            hi = LongVector.broadcast(L, w[w3 + words + k]);
            t = al.and(hi).lanewise(VectorOperators.BIT_COUNT).add(ah.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(ah.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c3a = c3a.add(al.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
            t = bl.and(hi).lanewise(VectorOperators.BIT_COUNT).add(bh.and(lo).lanewise(VectorOperators.BIT_COUNT))
                    .add(bh.and(hi).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 1));
            c3b = c3b.add(bl.and(lo).lanewise(VectorOperators.BIT_COUNT)).add(t.lanewise(VectorOperators.LSHL, 1));
        }
        c0a.intoArray(raw, 0);
        c0b.intoArray(raw, STEP);
        c1a.intoArray(raw, 2 * STEP);
        c1b.intoArray(raw, 3 * STEP);
        c2a.intoArray(raw, 4 * STEP);
        c2b.intoArray(raw, 5 * STEP);
        c3a.intoArray(raw, 6 * STEP);
        c3b.intoArray(raw, 7 * STEP);
    }

    /** Binary on 4 rows x 2 one-plane panels: per output and word {@code pop(w ^ x)}. */
    private static void binaryMicro(long[] w, int words, long[] xp, int kWords,
            int r0, int r1, int r2, int r3, int k0, int k1, int k2, int k3,
            int pa, int pb, int alpha, int[] dst, int d0, int d1, int d2, int d3) {
        int w0 = r0 * words;
        int w1 = r1 * words;
        int w2 = r2 * words;
        int w3 = r3 * words;
        int xa = pa * kWords * STEP;
        int xb = pb * kWords * STEP;
        LongVector c0a = LongVector.zero(L);
        LongVector c0b = c0a;
        LongVector c1a = c0a;
        LongVector c1b = c0a;
        LongVector c2a = c0a;
        LongVector c2b = c0a;
        LongVector c3a = c0a;
        LongVector c3b = c0a;
        for (int k = 0; k < kWords; k++) {
            int o = k * STEP;
            LongVector va = LongVector.fromArray(L, xp, xa + o);
            LongVector vb = LongVector.fromArray(L, xp, xb + o);
            LongVector v = LongVector.broadcast(L, w[w0 + k]);
            c0a = c0a.add(va.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            c0b = c0b.add(vb.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            v = LongVector.broadcast(L, w[w1 + k]);
            c1a = c1a.add(va.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            c1b = c1b.add(vb.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            v = LongVector.broadcast(L, w[w2 + k]);
            c2a = c2a.add(va.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            c2b = c2b.add(vb.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            v = LongVector.broadcast(L, w[w3 + k]);
            c3a = c3a.add(va.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
            c3b = c3b.add(vb.lanewise(VectorOperators.XOR, v).lanewise(VectorOperators.BIT_COUNT));
        }
        // the epilogue in int lanes, as in ternaryMicro
        ((IntVector) c0a.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k0).intoArray(dst, d0);
        ((IntVector) c0b.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k0).intoArray(dst, d0 + STEP);
        ((IntVector) c1a.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k1).intoArray(dst, d1);
        ((IntVector) c1b.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k1).intoArray(dst, d1 + STEP);
        ((IntVector) c2a.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k2).intoArray(dst, d2);
        ((IntVector) c2b.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k2).intoArray(dst, d2 + STEP);
        ((IntVector) c3a.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k3).intoArray(dst, d3);
        ((IntVector) c3b.convertShape(VectorOperators.L2I, I, 0)).mul(alpha).add(k3).intoArray(dst, d3 + STEP);
    }

    /**
     * Finishes a micro-tile from its raw sums (rows r0..r3, each: panel pa, then pb): the
     * epilogue in int lanes; whole vectors stored straight into {@code out}, a panel
     * reaching past column N through {@code edge} (no masks, as in the kernels). A repeated
     * edge row or panel writes the same values twice.
     */
    private static void finish(long[] raw, int r0, int r1, int r2, int r3, int pa, int pb,
                               Epilogue e, int[] out, int n, int[] edge) {
        int ja = pa * STEP;
        int jb = pb * STEP;
        finishLanes(raw, 0, r0, ja, e, out, n, edge);
        finishLanes(raw, STEP, r0, jb, e, out, n, edge);
        finishLanes(raw, 2 * STEP, r1, ja, e, out, n, edge);
        finishLanes(raw, 3 * STEP, r1, jb, e, out, n, edge);
        finishLanes(raw, 4 * STEP, r2, ja, e, out, n, edge);
        finishLanes(raw, 5 * STEP, r2, jb, e, out, n, edge);
        finishLanes(raw, 6 * STEP, r3, ja, e, out, n, edge);
        finishLanes(raw, 7 * STEP, r3, jb, e, out, n, edge);
    }

    private static void finishLanes(long[] raw, int from, int i, int j, Epilogue e, int[] out, int n, int[] edge) {
        IntVector v = ((IntVector) LongVector.fromArray(L, raw, from).convertShape(VectorOperators.L2I, I, 0))
                .mul(e.alpha()).add(e.rowConstant(i));
        int[] colTerm = e.colTerm();
        if (j + STEP <= n) {
            if (colTerm != null) {
                v = v.add(IntVector.fromArray(I, colTerm, j).mul(e.colScale()));
            }
            v.intoArray(out, i * n + j);
        } else {
            v.intoArray(edge, 0);
            int scale = e.colScale();
            for (int c = j; c < n; c++) {
                out[i * n + c] = edge[c - j] + (colTerm == null ? 0 : scale * colTerm[c]);
            }
        }
    }
}

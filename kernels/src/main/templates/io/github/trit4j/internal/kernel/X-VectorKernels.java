// Written from kernels/src/main/templates/io/github/trit4j/internal/kernel/X-VectorKernels.java, the
// template of the vector kernel shapes (AVX-512, AVX2, NEON) and the only file to edit for them:
// the build writes one class per shape from it into target/generated-sources/kernels
// (kernels/pom.xml, phase generate-sources), filling in each name set between dollar signs with
// that shape's value, as the JDK writes its X-Vector classes from X-Vector.java.template. Each
// class so keeps its own static final species, which C2 needs as constants. A section from a
// line "#if[lanes]" to a line "#end[lanes]" (each after two slashes) is kept only for the shape
// with a 64-bit lane popcount (AVX-512 VPOPCNTDQ), one marked "bytes" only for the byte-lane
// shapes (AVX2, NEON), as the JDK's template marks #if[byte]: their arithmetic differs (see each
// class comment). The rest, and the along-K tile loops (X-AlongKLoops.java), serve every shape.
package io.github.trit4j.internal.kernel;

import io.github.trit4j.Isa;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
//#if[lanes]
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
 * <p>Generated from a template (see the comment above); loaded only through reflection by
 * {@link KernelProvider}, after it has checked that the vector module is present.
//#end[lanes]
//#if[bytes]
 * The $bits$-bit byte-lane shape: $shapeDoc$
 *
 * <p>Neither AVX2 nor NEON has a 64-bit lane popcount: AVX2's {@code BIT_COUNT} is a nibble
 * table lookup ({@code vpshufb}) on bytes, NEON's {@code cnt} counts bits per byte, and a
 * 64-bit lane count costs a further {@code vpsadbw} or three pairwise adds ({@code uaddlp})
 * per operation. So popcounts are taken on byte lanes and accumulated in bytes; the bytes
 * are widened and summed only every few words of K (each kernel's flush interval keeps every
 * byte lane below 256).
 *
 * <p>Along-K micro-kernels use 4 rows x 1 column ({@link BitKernels#alongK}); lane-per-column
 * kernels ({@link ColumnPanels}) 2 rows x 2 panels of $step$ columns, except FATNN's and ternary x
 * 2-bit's for K beyond {@link #SHORT_K_CSA} words, which add their words bit-sliced (carry-save)
 * before counting and use 2 rows x 1 panel (see {@link #fatnnPanels}); edge tiles repeat the
 * last row or panel, as in {@link Avx512Kernels}. Generated from a template (see the
 * comment above); loaded only through reflection by {@link KernelProvider}.
//#end[bytes]
 */
final class $Class$ implements BitKernels {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_$bits$;
    private static final int STEP = $step$;
//#if[lanes]
    /** Eight int lanes: the finished outputs of one panel of eight columns. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
//#end[lanes]
//#if[bytes]
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_$bits$;
    /** STEP int lanes (half the vector): the finished outputs of one panel. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, jdk.incubator.vector.VectorShape.forBitSize($bits$ / 2));
//#end[bytes]

    static {
        if (L.length() != STEP) {
            throw new AssertionError("$bits$-bit species with $step$ long lanes expected");
        }
//#if[bytes]
        if (B.vectorBitSize() != L.vectorBitSize()) {
            throw new AssertionError("$bits$-bit byte species expected");
        }
//#end[bytes]
    }

    @Override
    public Isa isa() {
        return Isa.$Isa$;
    }

    @Override
    public void alongK(Kernel kernel, long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n, int row0) {
        $Class$AlongK.alongK(this, kernel, w, x, words, i0, i1, j0, j1, e, out, n, row0);
    }

//#if[lanes]
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
     * reaching past {@code limit}, or a last odd panel paired with itself) into the call's
     * scratch, from which the columns inside the block are copied here. Masked stores inside
     * the kernel made its C2 code depend on the profile at compile time: the mask arithmetic
     * ({@code indexInRange}: a branch per case, {@code maskAll}, {@code compare},
     * {@code fromBitsCoerced}) was intrinsified in some JVMs and left as calls or uncommon
     * traps in others, so the same product settled at two different speeds.
     */
    @Override
    public void panels(Kernel kernel, long[] w, int words, long[] xp, int kWords,
                       int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        Kernel.Sum sum = kernel.sum();
        int shift = sum.highShift();
        int alpha = e.alpha();
        Scratch scratch = Scratch.acquire();
        try {
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
                                        out, (i - row0) * n + j, (r1 - row0) * n + j, (r2 - row0) * n + j, (r3 - row0) * n + j);
                            } else {
                                ternaryMicro(w, words, xp, kWords, shift, i, r1, r2, r3, k0, k1, k2, k3, p, pb,
                                        edge, 0, 2 * STEP, 4 * STEP, 6 * STEP);
                                copyEdge(edge, i - row0, r1 - row0, r2 - row0, r3 - row0, j, limit, out, n);
                            }
                        }
                        case BINARY -> {
                            if (whole) {
                                binaryMicro(w, words, xp, kWords, i, r1, r2, r3, k0, k1, k2, k3, p, pb, alpha,
                                        out, (i - row0) * n + j, (r1 - row0) * n + j, (r2 - row0) * n + j, (r3 - row0) * n + j);
                            } else {
                                binaryMicro(w, words, xp, kWords, i, r1, r2, r3, k0, k1, k2, k3, p, pb, alpha,
                                        edge, 0, 2 * STEP, 4 * STEP, 6 * STEP);
                                copyEdge(edge, i - row0, r1 - row0, r2 - row0, r3 - row0, j, limit, out, n);
                            }
                        }
                        case TWO_BIT -> {
                            twoBitMicro4(w, words, xp, kWords, i, r1, r2, r3, p, pb, raw);
                            finish(raw, i, r1, r2, r3, p, pb, e, out, n, edge, row0);
                        }
                    }
                }
            }
        } finally {
            scratch.release();
        }
    }

    /**
     * Copies an edge tile's outputs (rows r0..r3 of {@code edge}, 2 panels each, rows counted from the
     * output's first) into {@code out} from column {@code j}, up to column {@code limit}. A repeated row is written
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
                               Epilogue e, int[] out, int n, int[] edge, int row0) {
        int ja = pa * STEP;
        int jb = pb * STEP;
        finishLanes(raw, 0, r0, ja, e, out, n, edge, row0);
        finishLanes(raw, STEP, r0, jb, e, out, n, edge, row0);
        finishLanes(raw, 2 * STEP, r1, ja, e, out, n, edge, row0);
        finishLanes(raw, 3 * STEP, r1, jb, e, out, n, edge, row0);
        finishLanes(raw, 4 * STEP, r2, ja, e, out, n, edge, row0);
        finishLanes(raw, 5 * STEP, r2, jb, e, out, n, edge, row0);
        finishLanes(raw, 6 * STEP, r3, ja, e, out, n, edge, row0);
        finishLanes(raw, 7 * STEP, r3, jb, e, out, n, edge, row0);
    }

    private static void finishLanes(long[] raw, int from, int i, int j, Epilogue e, int[] out, int n, int[] edge,
                                    int row0) {
        IntVector v = ((IntVector) LongVector.fromArray(L, raw, from).convertShape(VectorOperators.L2I, I, 0))
                .mul(e.alpha()).add(e.rowConstant(i));
        int[] colTerm = e.colTerm();
        if (j + STEP <= n) {
            if (colTerm != null) {
                v = v.add(IntVector.fromArray(I, colTerm, j).mul(e.colScale()));
            }
            v.intoArray(out, (i - row0) * n + j);
        } else {
            v.intoArray(edge, 0);
            int scale = e.colScale();
            for (int c = j; c < n; c++) {
                out[(i - row0) * n + c] = edge[c - j] + (colTerm == null ? 0 : scale * colTerm[c]);
            }
        }
    }
//#end[lanes]
//#if[bytes]
    // ---- along-K micro-kernels (small N, binary): 4 weight rows x 1 activation row ----
    //
    // Popcounts on byte lanes, summed in bytes for up to a flush interval of steps, then
    // spilled to the scratch array and summed there (spilledSums): no helper method takes or
    // returns a vector (see the panel kernels below for why).

    /** Steps between flushes of along-K byte sums: 8 bits per byte lane per step for ternary / binary. */
    private static final int FLUSH_ALONG_K = 31;       // 31 x 8 = 248
    /** 2-bit along K: pop(lo-ish) + 2 pop(hi-ish) = up to 24 per byte lane per step. */
    private static final int FLUSH_ALONG_K_TWO_BIT = 10; // 10 x 24 = 240

    /** raw[r] += sum pop(m_r & (x0 ^ s_r)), raw[4 + r] += sum pop(m_r & (x1 ^ s_r)). */
    @Override
    public void ternaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                              long[] raw, byte[] bytes) {
        for (int k0 = 0; k0 < words; k0 += STEP * FLUSH_ALONG_K) {
            int k1 = Math.min(words, k0 + STEP * FLUSH_ALONG_K);
            ByteVector p0 = ByteVector.zero(B);
            ByteVector p1 = p0;
            ByteVector p2 = p0;
            ByteVector p3 = p0;
            ByteVector q0 = p0;
            ByteVector q1 = p0;
            ByteVector q2 = p0;
            ByteVector q3 = p0;
            for (int k = k0; k < k1; k += STEP) {
                LongVector x0 = LongVector.fromArray(L, x, xj + k);
                LongVector x1 = LongVector.fromArray(L, x, xj + words + k);
                LongVector m = LongVector.fromArray(L, w, w0 + k);
                LongVector s = LongVector.fromArray(L, w, w0 + words + k);
                p0 = p0.add(x0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                q0 = q0.add(x1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                m = LongVector.fromArray(L, w, w1 + k);
                s = LongVector.fromArray(L, w, w1 + words + k);
                p1 = p1.add(x0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                q1 = q1.add(x1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                m = LongVector.fromArray(L, w, w2 + k);
                s = LongVector.fromArray(L, w, w2 + words + k);
                p2 = p2.add(x0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                q2 = q2.add(x1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                m = LongVector.fromArray(L, w, w3 + k);
                s = LongVector.fromArray(L, w, w3 + words + k);
                p3 = p3.add(x0.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
                q3 = q3.add(x1.lanewise(VectorOperators.XOR, s).and(m).reinterpretAsBytes()
                        .lanewise(VectorOperators.BIT_COUNT));
            }
            p0.intoArray(bytes, 0 * B.length());
            p1.intoArray(bytes, 1 * B.length());
            p2.intoArray(bytes, 2 * B.length());
            p3.intoArray(bytes, 3 * B.length());
            q0.intoArray(bytes, 4 * B.length());
            q1.intoArray(bytes, 5 * B.length());
            q2.intoArray(bytes, 6 * B.length());
            q3.intoArray(bytes, 7 * B.length());
            spilledSums(bytes, 8, raw, 0);
        }
    }

    /**
     * raw[r] += sum (pop(wl_r & xl) + 2 pop(wl_r & xh)), raw[4 + r] += sum (pop(wh_r & xl) + 2 pop(wh_r & xh)):
     * the 2-bit product is raw[r] + 2 raw[4 + r].
     */
    @Override
    public void twoBitAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
        for (int k0 = 0; k0 < words; k0 += STEP * FLUSH_ALONG_K_TWO_BIT) {
            int k1 = Math.min(words, k0 + STEP * FLUSH_ALONG_K_TWO_BIT);
            ByteVector p0 = ByteVector.zero(B);
            ByteVector p1 = p0;
            ByteVector p2 = p0;
            ByteVector p3 = p0;
            ByteVector q0 = p0;
            ByteVector q1 = p0;
            ByteVector q2 = p0;
            ByteVector q3 = p0;
            for (int k = k0; k < k1; k += STEP) {
                LongVector xl = LongVector.fromArray(L, x, xj + k);
                LongVector xh = LongVector.fromArray(L, x, xj + words + k);
                LongVector lo = LongVector.fromArray(L, w, w0 + k);
                LongVector hi = LongVector.fromArray(L, w, w0 + words + k);
                ByteVector h = xh.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                p0 = p0.add(xl.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                h = xh.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                q0 = q0.add(xl.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                lo = LongVector.fromArray(L, w, w1 + k);
                hi = LongVector.fromArray(L, w, w1 + words + k);
                h = xh.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                p1 = p1.add(xl.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                h = xh.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                q1 = q1.add(xl.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                lo = LongVector.fromArray(L, w, w2 + k);
                hi = LongVector.fromArray(L, w, w2 + words + k);
                h = xh.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                p2 = p2.add(xl.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                h = xh.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                q2 = q2.add(xl.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                lo = LongVector.fromArray(L, w, w3 + k);
                hi = LongVector.fromArray(L, w, w3 + words + k);
                h = xh.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                p3 = p3.add(xl.and(lo).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
                h = xh.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
                q3 = q3.add(xl.and(hi).reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT)).add(h).add(h);
            }
            p0.intoArray(bytes, 0 * B.length());
            p1.intoArray(bytes, 1 * B.length());
            p2.intoArray(bytes, 2 * B.length());
            p3.intoArray(bytes, 3 * B.length());
            q0.intoArray(bytes, 4 * B.length());
            q1.intoArray(bytes, 5 * B.length());
            q2.intoArray(bytes, 6 * B.length());
            q3.intoArray(bytes, 7 * B.length());
            spilledSums(bytes, 8, raw, 0);
        }
    }

    /** raw[r] += sum pop(w_r ^ x). */
    @Override
    public void binaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
        for (int k0 = 0; k0 < words; k0 += STEP * FLUSH_ALONG_K) {
            int k1 = Math.min(words, k0 + STEP * FLUSH_ALONG_K);
            ByteVector p0 = ByteVector.zero(B);
            ByteVector p1 = p0;
            ByteVector p2 = p0;
            ByteVector p3 = p0;
            for (int k = k0; k < k1; k += STEP) {
                LongVector v = LongVector.fromArray(L, x, xj + k);
                p0 = p0.add(LongVector.fromArray(L, w, w0 + k).lanewise(VectorOperators.XOR, v)
                        .reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                p1 = p1.add(LongVector.fromArray(L, w, w1 + k).lanewise(VectorOperators.XOR, v)
                        .reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                p2 = p2.add(LongVector.fromArray(L, w, w2 + k).lanewise(VectorOperators.XOR, v)
                        .reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                p3 = p3.add(LongVector.fromArray(L, w, w3 + k).lanewise(VectorOperators.XOR, v)
                        .reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            }
            p0.intoArray(bytes, 0 * B.length());
            p1.intoArray(bytes, 1 * B.length());
            p2.intoArray(bytes, 2 * B.length());
            p3.intoArray(bytes, 3 * B.length());
            spilledSums(bytes, 4, raw, 0);
        }
    }

    /** raw[v] += (sum of the unsigned bytes of spilled vector v) &lt;&lt; shift, for v in [0, count). */
    private static void spilledSums(byte[] bytes, int count, long[] raw, int shift) {
        for (int v = 0; v < count; v++) {
            ShortVector s = ByteVector.fromArray(B, bytes, v * B.length()).reinterpretAsShorts();
            // each short lane at most 2 x 255; all lanes at most (B.length() / 2) x 510 = 8160 for
            // 256 bits, within a short
            long sum = s.and((short) 0xFF).add(s.lanewise(VectorOperators.LSHR, 8)).reduceLanes(VectorOperators.ADD);
            raw[v] += sum << shift;
        }
    }

    // ---- lane-per-column kernels: 2 weight rows x 2 panels of STEP columns per micro-tile ----
    //
    // As in Avx512Kernels: no helper methods on vectors in the hot loop (C2 would box them
    // once the method outgrows its inlining budget). Popcounts are taken on byte lanes and
    // summed in bytes for a few words of K; each flush spills the byte sums to a scratch
    // array, and widen() folds them into per-column long totals. For more than SHORT_K_CSA
    // words, ternaryPanels goes to the carry-save kernels below (fatnnPanels, ternaryTwoBitPanels).

    /** Words of K between flushes of the byte accumulators, per product (max bits per byte lane per word). */
    private static final int FLUSH_FATNN = 15;          // 8 + 8 = 16 per word: 15 x 16 = 240
    private static final int FLUSH_TERNARY_TWO_BIT = 10; // 8 + 2 x 8 = 24 per word: 240

    /**
     * Up to this many words of K, FATNN and ternary x 2-bit stay on the 2 x 2 byte kernels below.
     * Measured on a real AVX2 core (AMD Zen 3, docs/RESULTS.md): one word, padded to a pair, costs
     * ternary x 2-bit about 17% on the carry-save tiles and leaves FATNN about even; from two words
     * on the carry-save tiles win (at 9 words, K = 576, FATNN about 1.3x). (An earlier threshold of
     * 12 words came from AVX2 emulated on an AVX-512 core, before the carry-save tiles finished
     * their outputs in registers.)
     * $csaDoc$
     */
    private static final int SHORT_K_CSA = $shortKCsa$;
    private static final int FLUSH_TWO_BIT = 10;         // per half (lo or hi weight plane): 8 + 2 x 8 = 24

    @Override
    public int panelLanes() {
        return STEP;
    }

    @Override
    public boolean hasPanels(Kernel.Sum sum) {
        return sum != Kernel.Sum.BINARY;
    }

    @Override
    public void panels(Kernel kernel, long[] w, int words, long[] xp, int kWords,
                       int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        switch (kernel.sum()) {
            case THERMOMETER -> ternaryPanels(true, w, words, xp, kWords, i0, i1, p0, p1, e, out, n, row0);
            case TERNARY_TWO_BIT -> ternaryPanels(false, w, words, xp, kWords, i0, i1, p0, p1, e, out, n, row0);
            case TWO_BIT -> twoBitPanels(w, words, xp, kWords, i0, i1, p0, p1, e, out, n, row0);
            case BINARY -> throw new UnsupportedOperationException(isa() + " has no binary panel kernel");
        }
    }

    /** FATNN's sum ({@code thermometer}) or ternary x 2-bit's on panels. */
    private static void ternaryPanels(boolean thermometer, long[] w, int words, long[] xp, int kWords,
                                      int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        if (kWords > SHORT_K_CSA) {
            if (thermometer) {
                fatnnPanels(w, words, xp, kWords, i0, i1, p0, p1, e, out, n, row0);
            } else {
                ternaryTwoBitPanels(w, words, xp, kWords, i0, i1, p0, p1, e, out, n, row0);
            }
            return;
        }
        Scratch scratch = Scratch.acquire();
        try {
            byte[] bytes = scratch.bytes;
            long[] raw = scratch.longs;
            for (int i = i0; i < i1; i += 2) {
                int ib = Math.min(i + 1, i1 - 1);
                for (int p = p0; p < p1; p += 2) {
                    int pb = Math.min(p + 1, p1 - 1);
                    java.util.Arrays.fill(raw, 0, 4 * STEP, 0L);
                    int wa = 2 * i * words;
                    int wb = 2 * ib * words;
                    int xa = p * kWords * 2 * STEP;
                    int xb = pb * kWords * 2 * STEP;
                    int flush = thermometer ? FLUSH_FATNN : FLUSH_TERNARY_TWO_BIT;
                    for (int k0 = 0; k0 < kWords; k0 += flush) {
                        int k1 = Math.min(kWords, k0 + flush);
                        if (thermometer) {
                            fatnnBytes(w, words, wa, wb, xp, xa, xb, k0, k1, bytes);
                        } else {
                            ternaryTwoBitBytes(w, words, wa, wb, xp, xa, xb, k0, k1, bytes);
                        }
                        widen(bytes, raw, 0);
                    }
                    finish(raw, i, ib, p, pb, e, out, n, row0);
                }
            }
        } finally {
            scratch.release();
        }
    }

    // ---- FATNN on panels: carry-save accumulation, 2 weight rows x 1 panel of STEP columns ----
    //
    // Per bit of K, FATNN adds v0 + v1 with v_t = m & (x_t ^ s), a value in {0, 1, 2}. Its two
    // bits are lo = v0 ^ v1 = m & e and hi = v0 & v1 = (m & g) ^ (s & c), with the panel codes
    // e = x0 ^ x1, g = x0 & x1, c = ~e (hi: s = 0 gives m & x0 & x1; s = 1 gives m & ~x0 & ~x1,
    // which is s & c because PackedMatrix keeps s inside m). Instead of two byte popcounts per
    // word, the words are added bit-sliced (Harley-Seal): "ones" takes lo, and its carry joins hi,
    // which lo never overlaps, as (ones & lo) | hi of weight 2; two of those per pair of words go
    // through a carry-save adder into "twos", and only its carry (weight 4) is popcounted: one
    // byte popcount per two words instead of four. ones and twos are counted once per tile.
    //
    // The operands are prepared so that the loop does only loads and logic: the panel codes
    // (e, g, c) once per call for all its panels (1.5 times the panels' size, kept in the Scratch),
    // the two weight rows of a tile as broadcast vectors once per pair of rows (a broadcast
    // from memory takes a vector ALU slot on the machines measured, a plain load does not).
    // The codes are zero past kWords up to an even kPad, so a padding word adds nothing
    // (lo = hi = 0) whatever the weight word there, which is a zero pad of the row anyway.
    //
    // One call per pair of rows walks all the block's panels (fatnnRowPair), and each panel's
    // counts are widened in registers and finished in int lanes there. On Zen 3 a tile per call
    // that spilled its byte counts for widenSums and finished each output through
    // Epilogue.apply cost about 33 ns per 2 x 1 tile beside 5.5 ns per pair of words: more than
    // half of a K = 576 product.
    //
    // 2 x 1 keeps the loop-carried state (ones, twos, byte counts: 6 vectors) and one word's
    // codes in AVX2's 16 ymm registers; larger tiles, and a further "fours" level (one popcount
    // per four words), made C2 spill that state and ran slower.

    /**
     * Word pairs between flushes of the weight-4 byte counts: a pair adds pop(carry) <= 8 to a
     * byte lane, so 31 pairs stay below 256 (31 x 8 = 248) even with every bit set.
     */
    private static final int FLUSH_CSA_PAIRS = 31;

    private static void fatnnPanels(long[] w, int words, long[] xp, int kWords,
                                    int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        Scratch scratch = Scratch.acquire();
        try {
            long[] raw = scratch.longs;
            byte[] bytes = scratch.bytes;
            int kPad = (kWords + 1) & ~1; // <= words, which is a multiple of 8: weight reads stay in the row
            int panelCodes = kPad * 3 * STEP;
            if (scratch.codes.length < (p1 - p0) * panelCodes) {
                scratch.codes = new long[(p1 - p0) * panelCodes];
            }
            if (scratch.weights.length < 2 * kPad * 2 * STEP) {
                scratch.weights = new long[2 * kPad * 2 * STEP];
            }
            long[] codes = scratch.codes;
            long[] wv = scratch.weights;
            for (int p = p0; p < p1; p++) {
                int src = p * kWords * 2 * STEP;
                int dst = (p - p0) * panelCodes;
                for (int k = 0; k < kWords; k++) {
                    LongVector x0 = LongVector.fromArray(L, xp, src + k * 2 * STEP);
                    LongVector x1 = LongVector.fromArray(L, xp, src + k * 2 * STEP + STEP);
                    LongVector ex = x0.lanewise(VectorOperators.XOR, x1);
                    ex.intoArray(codes, dst + k * 3 * STEP);
                    x0.and(x1).intoArray(codes, dst + k * 3 * STEP + STEP);
                    ex.not().intoArray(codes, dst + k * 3 * STEP + 2 * STEP);
                }
                java.util.Arrays.fill(codes, dst + kWords * 3 * STEP, dst + panelCodes, 0L);
            }
            for (int i = i0; i < i1; i += 2) {
                int ib = Math.min(i + 1, i1 - 1);
                // row i at wv[0...), row ib at wv[kPad * 2 * STEP...): per word m then s, broadcast
                for (int k = 0; k < kPad; k++) {
                    LongVector.broadcast(L, w[2 * i * words + k]).intoArray(wv, k * 2 * STEP);
                    LongVector.broadcast(L, w[2 * i * words + words + k]).intoArray(wv, k * 2 * STEP + STEP);
                    LongVector.broadcast(L, w[2 * ib * words + k]).intoArray(wv, (kPad + k) * 2 * STEP);
                    LongVector.broadcast(L, w[2 * ib * words + words + k]).intoArray(wv, (kPad + k) * 2 * STEP + STEP);
                }
                fatnnRowPair(wv, kWords, kPad, codes, panelCodes, p0, p1, e.rowConstant(i), e.rowConstant(ib),
                        out, (i - row0) * n, (ib - row0) * n, n, raw, bytes, scratch.ints);
            }
        } finally {
            scratch.release();
        }
    }

    /**
     * The FATNN outputs of rows a and b (row constants ka, kb; outputs at out[da + j], out[db + j]) for
     * the columns of panels [p0, p1), whose codes start at codes[(p - p0) * panelCodes]: one call per
     * pair of rows, each panel's sums widened in registers and finished in int lanes. A panel
     * reaching past column n goes through {@code edge}, from which its columns inside are copied.
     */
    private static void fatnnRowPair(long[] wv, int kWords, int kPad, long[] codes, int panelCodes, int p0, int p1,
                                     int ka, int kb, int[] out, int da, int db, int n,
                                     long[] raw, byte[] bytes, int[] edge) {
        int wb = kPad * 2 * STEP;
        // an odd word count starts ones and twos from word 0 (with both zero, its lo and hi are
        // their sums and nothing carries), so the pairs run from word 1 and no padding word is added
        int first = kWords & 1;
        boolean flushes = kWords - first > 2 * FLUSH_CSA_PAIRS;
        for (int p = p0; p < p1; p++) {
            int co = (p - p0) * panelCodes;
            if (flushes) {
                LongVector.zero(L).intoArray(raw, 0);
                LongVector.zero(L).intoArray(raw, STEP);
            }
            LongVector onesA = LongVector.zero(L);
            LongVector onesB = onesA;
            LongVector twosA = onesA;
            LongVector twosB = onesA;
            if (first == 1) {
                LongVector ek = LongVector.fromArray(L, codes, co);
                LongVector gk = LongVector.fromArray(L, codes, co + STEP);
                LongVector ck = LongVector.fromArray(L, codes, co + 2 * STEP);
                LongVector m = LongVector.fromArray(L, wv, 0);
                LongVector s = LongVector.fromArray(L, wv, STEP);
                onesA = m.and(ek);
                twosA = m.and(gk).lanewise(VectorOperators.XOR, s.and(ck));
                m = LongVector.fromArray(L, wv, wb);
                s = LongVector.fromArray(L, wv, wb + STEP);
                onesB = m.and(ek);
                twosB = m.and(gk).lanewise(VectorOperators.XOR, s.and(ck));
            }
            ByteVector foursA = ByteVector.zero(B);
            ByteVector foursB = foursA;
            for (int k0 = first; k0 < kWords; k0 += 2 * FLUSH_CSA_PAIRS) {
                if (k0 > first) {
                    foursA.intoArray(bytes, 0);
                    foursB.intoArray(bytes, B.length());
                    widenSums(bytes, 0, 2, raw, 2);
                    foursA = ByteVector.zero(B);
                    foursB = foursA;
                }
                int k1 = Math.min(kWords, k0 + 2 * FLUSH_CSA_PAIRS);
                for (int k = k0; k < k1; k += 2) {
                    int x = co + k * 3 * STEP;
                    int wa = k * 2 * STEP;
                    // word k: weight-2 carries t0 of ones += lo
                    LongVector ek = LongVector.fromArray(L, codes, x);
                    LongVector gk = LongVector.fromArray(L, codes, x + STEP);
                    LongVector ck = LongVector.fromArray(L, codes, x + 2 * STEP);
                    LongVector m = LongVector.fromArray(L, wv, wa);
                    LongVector s = LongVector.fromArray(L, wv, wa + STEP);
                    LongVector lo = m.and(ek);
                    LongVector t0a = onesA.and(lo).or(m.and(gk).lanewise(VectorOperators.XOR, s.and(ck)));
                    onesA = onesA.lanewise(VectorOperators.XOR, lo);
                    m = LongVector.fromArray(L, wv, wb + wa);
                    s = LongVector.fromArray(L, wv, wb + wa + STEP);
                    lo = m.and(ek);
                    LongVector t0b = onesB.and(lo).or(m.and(gk).lanewise(VectorOperators.XOR, s.and(ck)));
                    onesB = onesB.lanewise(VectorOperators.XOR, lo);
                    // word k + 1: carries t1
                    ek = LongVector.fromArray(L, codes, x + 3 * STEP);
                    gk = LongVector.fromArray(L, codes, x + 4 * STEP);
                    ck = LongVector.fromArray(L, codes, x + 5 * STEP);
                    m = LongVector.fromArray(L, wv, wa + 2 * STEP);
                    s = LongVector.fromArray(L, wv, wa + 3 * STEP);
                    lo = m.and(ek);
                    LongVector t1a = onesA.and(lo).or(m.and(gk).lanewise(VectorOperators.XOR, s.and(ck)));
                    onesA = onesA.lanewise(VectorOperators.XOR, lo);
                    m = LongVector.fromArray(L, wv, wb + wa + 2 * STEP);
                    s = LongVector.fromArray(L, wv, wb + wa + 3 * STEP);
                    lo = m.and(ek);
                    LongVector t1b = onesB.and(lo).or(m.and(gk).lanewise(VectorOperators.XOR, s.and(ck)));
                    onesB = onesB.lanewise(VectorOperators.XOR, lo);
                    // twos += t0 + t1 (carry-save adder); its weight-4 carry is popcounted
                    LongVector u = twosA.lanewise(VectorOperators.XOR, t0a);
                    LongVector carry = twosA.and(t0a).or(u.and(t1a));
                    twosA = u.lanewise(VectorOperators.XOR, t1a);
                    foursA = foursA.add(carry.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                    u = twosB.lanewise(VectorOperators.XOR, t0b);
                    carry = twosB.and(t0b).or(u.and(t1b));
                    twosB = u.lanewise(VectorOperators.XOR, t1b);
                    foursB = foursB.add(carry.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                }
            }
            // per byte lane: 4 fours (<= 248) + pop(ones) + 2 pop(twos) (<= 24); widened in
            // registers (bytes -> shorts -> ints -> longs, the Vector API's stand-in for vpsadbw)
            ByteVector rest = twosA.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            rest = rest.add(rest).add(onesA.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            ShortVector f = foursA.reinterpretAsShorts();
            ShortVector r = rest.reinterpretAsShorts();
            ShortVector h = f.and((short) 0xFF).add(f.lanewise(VectorOperators.LSHR, 8)).lanewise(VectorOperators.LSHL, 2)
                    .add(r.and((short) 0xFF)).add(r.lanewise(VectorOperators.LSHR, 8));
            IntVector iv = h.reinterpretAsInts();
            iv = iv.and(0xFFFF).add(iv.lanewise(VectorOperators.LSHR, 16));
            LongVector sumA = iv.reinterpretAsLongs();
            sumA = sumA.and(0xFFFFFFFFL).add(sumA.lanewise(VectorOperators.LSHR, 32));
            rest = twosB.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            rest = rest.add(rest).add(onesB.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            f = foursB.reinterpretAsShorts();
            r = rest.reinterpretAsShorts();
            h = f.and((short) 0xFF).add(f.lanewise(VectorOperators.LSHR, 8)).lanewise(VectorOperators.LSHL, 2)
                    .add(r.and((short) 0xFF)).add(r.lanewise(VectorOperators.LSHR, 8));
            iv = h.reinterpretAsInts();
            iv = iv.and(0xFFFF).add(iv.lanewise(VectorOperators.LSHR, 16));
            LongVector sumB = iv.reinterpretAsLongs();
            sumB = sumB.and(0xFFFFFFFFL).add(sumB.lanewise(VectorOperators.LSHR, 32));
            if (flushes) {
                sumA = sumA.add(LongVector.fromArray(L, raw, 0));
                sumB = sumB.add(LongVector.fromArray(L, raw, STEP));
            }
            int j = p * STEP;
            boolean whole = j + STEP <= n;
            ((IntVector) sumA.convertShape(VectorOperators.L2I, I, 0)).add(ka).intoArray(whole ? out : edge, whole ? da + j : 0);
            ((IntVector) sumB.convertShape(VectorOperators.L2I, I, 0)).add(kb).intoArray(whole ? out : edge, whole ? db + j : STEP);
            if (!whole) {
                copyEdgeColumns(edge, out, da, db, j, n);
            }
        }
    }

    /** An edge panel's outputs, rows a and b at {@code edge[0...)} and {@code edge[STEP...)}, into out from column j to n. */
    private static void copyEdgeColumns(int[] edge, int[] out, int da, int db, int j, int n) {
        for (int c = j; c < n; c++) {
            out[da + c] = edge[c - j];
            out[db + c] = edge[STEP + c - j];
        }
    }

    // ---- ternary x 2-bit on panels: the same carry-save scheme, 2 weight rows x 1 panel ----
    //
    // raw = pop(v0) + 2 pop(v1) with v_t = m & (x_t ^ s) = (m & x_t) ^ s (s inside m). v0 goes
    // into ones, whose carry and v1 (both weight 2) go through a carry-save adder into twos;
    // its carries of two words (weight 4) go through another into fours, and only that
    // adder's carry (weight 8) is popcounted: one byte popcount per two words instead of four.
    // The activations are read from the panels as they are; the weight rows are broadcast
    // once per pair of rows as in fatnnPanels.

    private static void ternaryTwoBitPanels(long[] w, int words, long[] xp, int kWords,
                                            int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        Scratch scratch = Scratch.acquire();
        try {
            long[] raw = scratch.longs;
            byte[] bytes = scratch.bytes;
            int kPad = (kWords + 1) & ~1; // <= words: the weight words read past kWords are zero pads
            if (scratch.weights.length < 2 * kPad * 2 * STEP) {
                scratch.weights = new long[2 * kPad * 2 * STEP];
            }
            long[] wv = scratch.weights;
            for (int i = i0; i < i1; i += 2) {
                int ib = Math.min(i + 1, i1 - 1);
                for (int k = 0; k < kPad; k++) {
                    LongVector.broadcast(L, w[2 * i * words + k]).intoArray(wv, k * 2 * STEP);
                    LongVector.broadcast(L, w[2 * i * words + words + k]).intoArray(wv, k * 2 * STEP + STEP);
                    LongVector.broadcast(L, w[2 * ib * words + k]).intoArray(wv, (kPad + k) * 2 * STEP);
                    LongVector.broadcast(L, w[2 * ib * words + words + k]).intoArray(wv, (kPad + k) * 2 * STEP + STEP);
                }
                ternaryTwoBitRowPair(wv, kPad, xp, kWords, p0, p1, e.rowConstant(i), e.rowConstant(ib),
                        out, (i - row0) * n, (ib - row0) * n, n, raw, bytes, scratch.ints);
            }
        } finally {
            scratch.release();
        }
    }

    /**
     * The ternary x 2-bit outputs, pop(v0) + 2 pop(v1) plus the row constant, of rows a and b for the
     * columns of panels [p0, p1), finished in registers as in {@link #fatnnRowPair}.
     */
    private static void ternaryTwoBitRowPair(long[] wv, int kPad, long[] xp, int kWords, int p0, int p1,
                                             int ka, int kb, int[] out, int da, int db, int n,
                                             long[] raw, byte[] bytes, int[] edge) {
        int wb = kPad * 2 * STEP;
        int lastK = kWords - 1;
        boolean flushes = kPad > 2 * FLUSH_CSA_PAIRS;
        for (int p = p0; p < p1; p++) {
            int xo = p * kWords * 2 * STEP;
            if (flushes) {
                LongVector.zero(L).intoArray(raw, 0);
                LongVector.zero(L).intoArray(raw, STEP);
            }
            LongVector onesA = LongVector.zero(L);
            LongVector onesB = onesA;
            LongVector twosA = onesA;
            LongVector twosB = onesA;
            LongVector foursA = onesA;
            LongVector foursB = onesA;
            ByteVector eightsA = ByteVector.zero(B);
            ByteVector eightsB = eightsA;
            for (int k0 = 0; k0 < kPad; k0 += 2 * FLUSH_CSA_PAIRS) {
                if (k0 > 0) {
                    eightsA.intoArray(bytes, 0);
                    eightsB.intoArray(bytes, B.length());
                    widenSums(bytes, 0, 2, raw, 3);
                    eightsA = ByteVector.zero(B);
                    eightsB = eightsA;
                }
                int k1 = Math.min(kPad, k0 + 2 * FLUSH_CSA_PAIRS);
                for (int k = k0; k < k1; k += 2) {
                    int wa = k * 2 * STEP;
                    // word k (weight-4 carries fa, fb)
                    LongVector x0 = LongVector.fromArray(L, xp, xo + k * 2 * STEP);
                    LongVector x1 = LongVector.fromArray(L, xp, xo + k * 2 * STEP + STEP);
                    LongVector m = LongVector.fromArray(L, wv, wa);
                    LongVector s = LongVector.fromArray(L, wv, wa + STEP);
                    LongVector v0 = m.and(x0).lanewise(VectorOperators.XOR, s);
                    LongVector v1 = m.and(x1).lanewise(VectorOperators.XOR, s);
                    LongVector t = onesA.and(v0);
                    onesA = onesA.lanewise(VectorOperators.XOR, v0);
                    LongVector u = twosA.lanewise(VectorOperators.XOR, t);
                    LongVector fa = twosA.and(t).or(u.and(v1));
                    twosA = u.lanewise(VectorOperators.XOR, v1);
                    m = LongVector.fromArray(L, wv, wb + wa);
                    s = LongVector.fromArray(L, wv, wb + wa + STEP);
                    v0 = m.and(x0).lanewise(VectorOperators.XOR, s);
                    v1 = m.and(x1).lanewise(VectorOperators.XOR, s);
                    t = onesB.and(v0);
                    onesB = onesB.lanewise(VectorOperators.XOR, v0);
                    u = twosB.lanewise(VectorOperators.XOR, t);
                    LongVector fb = twosB.and(t).or(u.and(v1));
                    twosB = u.lanewise(VectorOperators.XOR, v1);
                    // word k + 1: past kWords its weights are zero, so any activation word will do
                    int o = xo + Math.min(k + 1, lastK) * 2 * STEP;
                    x0 = LongVector.fromArray(L, xp, o);
                    x1 = LongVector.fromArray(L, xp, o + STEP);
                    m = LongVector.fromArray(L, wv, wa + 2 * STEP);
                    s = LongVector.fromArray(L, wv, wa + 3 * STEP);
                    v0 = m.and(x0).lanewise(VectorOperators.XOR, s);
                    v1 = m.and(x1).lanewise(VectorOperators.XOR, s);
                    t = onesA.and(v0);
                    onesA = onesA.lanewise(VectorOperators.XOR, v0);
                    u = twosA.lanewise(VectorOperators.XOR, t);
                    LongVector f = twosA.and(t).or(u.and(v1));
                    twosA = u.lanewise(VectorOperators.XOR, v1);
                    u = foursA.lanewise(VectorOperators.XOR, fa);
                    LongVector carry = foursA.and(fa).or(u.and(f));
                    foursA = u.lanewise(VectorOperators.XOR, f);
                    eightsA = eightsA.add(carry.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                    m = LongVector.fromArray(L, wv, wb + wa + 2 * STEP);
                    s = LongVector.fromArray(L, wv, wb + wa + 3 * STEP);
                    v0 = m.and(x0).lanewise(VectorOperators.XOR, s);
                    v1 = m.and(x1).lanewise(VectorOperators.XOR, s);
                    t = onesB.and(v0);
                    onesB = onesB.lanewise(VectorOperators.XOR, v0);
                    u = twosB.lanewise(VectorOperators.XOR, t);
                    f = twosB.and(t).or(u.and(v1));
                    twosB = u.lanewise(VectorOperators.XOR, v1);
                    u = foursB.lanewise(VectorOperators.XOR, fb);
                    carry = foursB.and(fb).or(u.and(f));
                    foursB = u.lanewise(VectorOperators.XOR, f);
                    eightsB = eightsB.add(carry.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
                }
            }
            // per byte lane: 8 eights (<= 248) + pop(ones) + 2 pop(twos) + 4 pop(fours) (<= 56), widened in registers
            ByteVector rest = foursA.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            rest = twosA.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT).add(rest).add(rest);
            rest = rest.add(rest).add(onesA.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            ShortVector f = eightsA.reinterpretAsShorts();
            ShortVector r = rest.reinterpretAsShorts();
            ShortVector h = f.and((short) 0xFF).add(f.lanewise(VectorOperators.LSHR, 8)).lanewise(VectorOperators.LSHL, 3)
                    .add(r.and((short) 0xFF)).add(r.lanewise(VectorOperators.LSHR, 8));
            IntVector iv = h.reinterpretAsInts();
            iv = iv.and(0xFFFF).add(iv.lanewise(VectorOperators.LSHR, 16));
            LongVector sumA = iv.reinterpretAsLongs();
            sumA = sumA.and(0xFFFFFFFFL).add(sumA.lanewise(VectorOperators.LSHR, 32));
            rest = foursB.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT);
            rest = twosB.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT).add(rest).add(rest);
            rest = rest.add(rest).add(onesB.reinterpretAsBytes().lanewise(VectorOperators.BIT_COUNT));
            f = eightsB.reinterpretAsShorts();
            r = rest.reinterpretAsShorts();
            h = f.and((short) 0xFF).add(f.lanewise(VectorOperators.LSHR, 8)).lanewise(VectorOperators.LSHL, 3)
                    .add(r.and((short) 0xFF)).add(r.lanewise(VectorOperators.LSHR, 8));
            iv = h.reinterpretAsInts();
            iv = iv.and(0xFFFF).add(iv.lanewise(VectorOperators.LSHR, 16));
            LongVector sumB = iv.reinterpretAsLongs();
            sumB = sumB.and(0xFFFFFFFFL).add(sumB.lanewise(VectorOperators.LSHR, 32));
            if (flushes) {
                sumA = sumA.add(LongVector.fromArray(L, raw, 0));
                sumB = sumB.add(LongVector.fromArray(L, raw, STEP));
            }
            int j = p * STEP;
            boolean whole = j + STEP <= n;
            ((IntVector) sumA.convertShape(VectorOperators.L2I, I, 0)).add(ka).intoArray(whole ? out : edge, whole ? da + j : 0);
            ((IntVector) sumB.convertShape(VectorOperators.L2I, I, 0)).add(kb).intoArray(whole ? out : edge, whole ? db + j : STEP);
            if (!whole) {
                copyEdgeColumns(edge, out, da, db, j, n);
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

    private static void twoBitPanels(long[] w, int words, long[] xp, int kWords,
                                     int i0, int i1, int p0, int p1, Epilogue e, int[] out, int n, int row0) {
        Scratch scratch = Scratch.acquire();
        try {
            byte[] bytes = scratch.bytes;
            long[] raw = scratch.longs;
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
                    finish(raw, i, ib, p, pb, e, out, n, row0);
                }
            }
        } finally {
            scratch.release();
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

    /**
     * raw[v * STEP + lane] += 2^shift * (sum of the 8 unsigned bytes of long lane {@code lane} of the
     * v-th byte vector spilled at {@code bytes[from...]}), for v in [0, count); as {@link #widen}.
     */
    private static void widenSums(byte[] bytes, int from, int count, long[] raw, int shift) {
        for (int v = 0; v < count; v++) {
            ShortVector s = ByteVector.fromArray(B, bytes, from + v * B.length()).reinterpretAsShorts();
            s = s.and((short) 0xFF).add(s.lanewise(VectorOperators.LSHR, 8));
            IntVector i = s.reinterpretAsInts();
            i = i.and(0xFFFF).add(i.lanewise(VectorOperators.LSHR, 16));
            LongVector l = i.reinterpretAsLongs();
            l = l.and(0xFFFFFFFFL).add(l.lanewise(VectorOperators.LSHR, 32));
            LongVector.fromArray(L, raw, v * STEP).add(l.lanewise(VectorOperators.LSHL, shift)).intoArray(raw, v * STEP);
        }
    }

    /** Finishes a micro-tile (row ra: panels pa, pb; row rb: pa, pb): epilogue in int lanes, stores masked at N. */
    private static void finish(long[] raw, int ra, int rb, int pa, int pb, Epilogue e, int[] out, int n, int row0) {
        finishLanes(raw, 0, ra, pa * STEP, e, out, n, row0);
        finishLanes(raw, STEP, ra, pb * STEP, e, out, n, row0);
        finishLanes(raw, 2 * STEP, rb, pa * STEP, e, out, n, row0);
        finishLanes(raw, 3 * STEP, rb, pb * STEP, e, out, n, row0);
    }

    private static void finishLanes(long[] raw, int from, int i, int j, Epilogue e, int[] out, int n, int row0) {
        for (int lane = 0; lane < STEP && j + lane < n; lane++) {
            out[(i - row0) * n + j + lane] = e.apply(raw[from + lane], i, j + lane);
        }
    }
//#end[bytes]
}

package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CodeMasks} on the Vector API: a code's plane bit is one bit (or bit group) of its
 * byte, so a masked compare of a whole vector of codes gives a lane mask, and
 * {@code VectorMask.toLong()} is already the packed word ({@code vptestmb} + {@code kmovq} on
 * AVX-512, {@code vpmovmskb} on AVX2). The JIT's preferred width serves every kernel shape:
 * the masks are the same for any width. Loaded only through reflection by
 * {@link KernelProvider}, never in a JVM without the vector module.
 */
final class VectorCodeMasks implements CodeMasks {

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final int LANES = B.length();
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FLOATS = F.length();
    /** The widest long species the JIT runs at full speed, and its lanes: runs of that many words are one vector. */
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final int LONGS = L.length();
    /** Lane i from lane 2i mod LONGS: a vector's even lanes in both halves (step-2 runs, 256 bits and wider). */
    private static final VectorShuffle<Long> EVENS = LONGS >= 4 ? VectorShuffle.fromOp(L, i -> (2 * i) & (LONGS - 1))
            : null;
    /** 0, 1, 2, ... per lane; and all ones in the lower half's lanes. */
    private static final LongVector IOTA = LongVector.zero(L).addIndex(1);
    private static final LongVector LOW_HALF = IOTA.lanewise(VectorOperators.SUB, (long) (LONGS / 2))
            .lanewise(VectorOperators.ASHR, 63);
    /** Lane {@code i} from lane {@code i ^ j}, and the lanes with bit {@code j} set, for the rounds of
     *  {@link #transpose64} within a vector ({@code j < LONGS}; null where the vector is narrower). */
    private static final VectorShuffle<Long> SWAP1 = LONGS >= 4 ? VectorShuffle.fromOp(L, i -> i ^ 1) : null;
    private static final VectorShuffle<Long> SWAP2 = LONGS >= 4 ? VectorShuffle.fromOp(L, i -> i ^ 2) : null;
    private static final VectorShuffle<Long> SWAP4 = LONGS > 4 ? VectorShuffle.fromOp(L, i -> i ^ 4) : null;
    private static final VectorMask<Long> HIGH1 = LONGS >= 4 ? VectorMask.fromLong(L, 0xAAAAAAAAAAAAAAAAL) : null;
    private static final VectorMask<Long> HIGH2 = LONGS >= 4 ? VectorMask.fromLong(L, 0xCCCCCCCCCCCCCCCCL) : null;
    private static final VectorMask<Long> HIGH4 = LONGS > 4 ? VectorMask.fromLong(L, 0xF0F0F0F0F0F0F0F0L) : null;

    static {
        if (64 % LANES != 0 || 64 % FLOATS != 0) {
            throw new AssertionError("species of " + LANES + " bytes / " + FLOATS + " floats do not divide 64");
        }
    }

    @Override
    public int masks(byte[] src, int off, int len, Precision precision, long[] d0, int o0, long[] d1, int o1,
                     int stride) {
        // plane bit = (code & k) != 0 for valid codes: {0,1,2}: a = any bit, b = bit 1;
        // 2-bit: bit 0, bit 1; ternary {0,1,-1}: m = any bit, s = sign; binary: sign.
        // A code is bad when ((code + add) & keep) > limit, unsigned: {0,1,2}: > 2; {0..3}: > 3;
        // {-1,0,1} + 1 = {0,1,2}: > 2; {-1,1} + 1 = {0,2}, bit 1 cleared: > 0
        byte k0;
        byte k1;
        byte add = 0;
        byte keep = -1;
        byte limit;
        switch (precision) {
            case TERNARY_UNSIGNED -> { k0 = -1; k1 = 2; limit = 2; }
            case TWO_BIT -> { k0 = 1; k1 = 2; limit = 3; }
            case TERNARY -> { k0 = -1; k1 = (byte) 0x80; add = 1; limit = 2; }
            case BINARY -> { k0 = (byte) 0x80; k1 = 0; add = 1; keep = (byte) 0xFD; limit = 0; }
            default -> throw new AssertionError(precision);
        }
        boolean two = precision.planes() == 2;
        int groups = len >>> 6;
        long bad = 0;
        for (int g = 0; g < groups; g++) {
            long w0 = 0;
            long w1 = 0;
            int base = off + (g << 6);
            for (int part = 0; part < 64; part += LANES) {
                ByteVector v = ByteVector.fromArray(B, src, base + part);
                w0 |= v.and(k0).compare(VectorOperators.NE, 0).toLong() << part;
                w1 |= v.and(k1).compare(VectorOperators.NE, 0).toLong() << part;
                bad |= v.add(add).and(keep).compare(VectorOperators.UGT, limit).toLong();
            }
            d0[o0 + g * stride] = w0;
            if (two) {
                d1[o1 + g * stride] = w1;
            }
        }
        int rest = len & 63;
        if (rest != 0) { // the last, partial group: masked loads; lanes past the end count for nothing
            long w0 = 0;
            long w1 = 0;
            int base = off + (groups << 6);
            int end = off + len;
            long valid = (1L << rest) - 1;
            for (int part = 0; part < rest; part += LANES) {
                ByteVector v = ByteVector.fromArray(B, src, base + part, B.indexInRange(base + part, end));
                w0 |= v.and(k0).compare(VectorOperators.NE, 0).toLong() << part;
                w1 |= v.and(k1).compare(VectorOperators.NE, 0).toLong() << part;
                bad |= (v.add(add).and(keep).compare(VectorOperators.UGT, limit).toLong() << part) & valid;
            }
            d0[o0 + groups * stride] = w0 & valid;
            if (two) {
                d1[o1 + groups * stride] = w1 & valid;
            }
        }
        return bad != 0 ? ScalarCodeMasks.firstInvalid(src, off, len, precision) : -1; // find it in plain Java
    }

    /**
     * Each term is one compare per vector of floats, its lane mask a run of bits of the word;
     * the planes are then bitwise functions of the term words (code = number of terms set):
     * {0,1,2}: [code >= 1] = t0 | t1, [code >= 2] = t0 & t1; {0..3}: lo = parity, hi = majority.
     * NaN lanes are collected in one mask per group and searched only if present.
     */
    @Override
    public int quantizeMasks(float[] src, int off, int len, Precision precision, float[] c, float[] a, float[] h,
                             int inclusive, long[] d0, int o0, long[] d1, int o1, int stride) {
        boolean three = a.length == 3;
        float c0 = c[0];
        float a0 = a[0];
        float h0 = h[0];
        float c1 = c[1];
        float a1 = a[1];
        float h1 = h[1];
        float c2 = three ? c[2] : 0f;
        float a2 = three ? a[2] : 0f;
        float h2 = three ? h[2] : 0f;
        boolean ge0 = (inclusive & 1) != 0;
        boolean ge1 = (inclusive & 2) != 0;
        boolean ge2 = (inclusive & 4) != 0;
        int groups = len >>> 6;
        long nan = 0;
        int nanGroup = -1;
        for (int g = 0; g < groups; g++) {
            long t0 = 0;
            long t1 = 0;
            long t2 = 0;
            long bad = 0;
            int base = off + (g << 6);
            for (int part = 0; part < 64; part += FLOATS) {
                FloatVector v = FloatVector.fromArray(F, src, base + part);
                bad |= v.compare(VectorOperators.NE, v).toLong() << part; // only NaN differs from itself
                t0 |= above(v.sub(c0).mul(a0), h0, ge0) << part;
                t1 |= above(v.sub(c1).mul(a1), h1, ge1) << part;
                if (three) {
                    t2 |= above(v.sub(c2).mul(a2), h2, ge2) << part;
                }
            }
            if (bad != 0 && nanGroup < 0) {
                nanGroup = g;
                nan = bad;
            }
            if (three) {
                d0[o0 + g * stride] = t0 ^ t1 ^ t2;
                d1[o1 + g * stride] = (t0 & t1) | (t2 & (t0 | t1));
            } else {
                d0[o0 + g * stride] = t0 | t1;
                d1[o1 + g * stride] = t0 & t1;
            }
        }
        int rest = len & 63;
        if (rest != 0) { // the last, partial group: masked loads; lanes past the end count for nothing
            long t0 = 0;
            long t1 = 0;
            long t2 = 0;
            long bad = 0;
            int base = off + (groups << 6);
            int end = off + len;
            long valid = (1L << rest) - 1;
            for (int part = 0; part < rest; part += FLOATS) {
                FloatVector v = FloatVector.fromArray(F, src, base + part, F.indexInRange(base + part, end));
                bad |= v.compare(VectorOperators.NE, v).toLong() << part;
                t0 |= above(v.sub(c0).mul(a0), h0, ge0) << part;
                t1 |= above(v.sub(c1).mul(a1), h1, ge1) << part;
                if (three) {
                    t2 |= above(v.sub(c2).mul(a2), h2, ge2) << part;
                }
            }
            t0 &= valid;
            t1 &= valid;
            t2 &= valid;
            bad &= valid;
            if (bad != 0 && nanGroup < 0) {
                nanGroup = groups;
                nan = bad;
            }
            if (three) {
                d0[o0 + groups * stride] = t0 ^ t1 ^ t2;
                d1[o1 + groups * stride] = (t0 & t1) | (t2 & (t0 | t1));
            } else {
                d0[o0 + groups * stride] = t0 | t1;
                d1[o1 + groups * stride] = t0 & t1;
            }
        }
        return nanGroup >= 0 ? off + (nanGroup << 6) + Long.numberOfTrailingZeros(nan) : -1;
    }

    /**
     * The lanes of {@code x} above {@code h} (at or above it when {@code inclusive}) as bits. The
     * comparison operator must be a constant where C2 compiles the compare: chosen at run time
     * (a variable operator) it intrinsifies only while the branch not taken is pruned from the
     * profile, and a model that takes both (the conventional ternary and FATNN quantizers in one
     * JVM) made every compare box its vectors, about 1.26 MB per ResNet-8 image. Each branch
     * here names its operator, so both compile to the vector compare.
     */
    private static long above(FloatVector x, float h, boolean inclusive) {
        return inclusive ? x.compare(VectorOperators.GE, h).toLong() : x.compare(VectorOperators.GT, h).toLong();
    }

    /**
     * When {@code lanes} is the preferred width (the panels of the engine of this machine's shape):
     * per run one vector load per base for step 1, or for step 2 the even words of two vectors, each
     * shuffled into one half; the second base's lanes from {@code split} selected by a lane mask
     * held in a vector (and, or: no mask registers); one store. Each case is its own loop with no
     * vector merging two paths, so that C2 keeps every vector in registers. Other widths (an engine
     * pinned to another shape), steps (step 2 on 128-bit vectors too) in plain Java, as is a step-2 run
     * whose second vector would end past {@code src} (the words it copies are inside).
     */
    @Override
    public void copyRuns(long[] src, int s, int s2, int split, int step, int[] offsets, int from, int to,
                         long[] dst, int d, int lanes) {
        if (lanes != LONGS || step > 2 || step == 2 && EVENS == null) {
            ScalarCodeMasks.copyRunsScalar(src, s, s2, split, step, offsets, from, to, dst, d, lanes);
            return;
        }
        if (step == 1 && split >= LONGS) {
            for (int r = from; r < to; r++) {
                LongVector.fromArray(L, src, s + offsets[r]).intoArray(dst, d + r * LONGS);
            }
            return;
        }
        LongVector first = IOTA.lanewise(VectorOperators.SUB, (long) split).lanewise(VectorOperators.ASHR, 63);
        if (step == 1) {
            for (int r = from; r < to; r++) {
                int o = offsets[r];
                LongVector a = LongVector.fromArray(L, src, s + o);
                LongVector b = LongVector.fromArray(L, src, s2 + o);
                b.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.XOR, b).and(first))
                        .intoArray(dst, d + r * LONGS); // a in lanes [0, split), b after
            }
            return;
        }
        int last = Math.max(s, split < LONGS ? s2 : s) + 2 * LONGS; // a step-2 run reads up to its offset + this
        if (split >= LONGS) {
            for (int r = from; r < to; r++) {
                int o = offsets[r];
                if (o + last > src.length) {
                    ScalarCodeMasks.copyRunsScalar(src, s, s2, split, step, offsets, r, to, dst, d, lanes);
                    return;
                }
                // the even words of two vectors, one per half (written out: see the note below the loops)
                LongVector lo = LongVector.fromArray(L, src, s + o).rearrange(EVENS);
                LongVector hi = LongVector.fromArray(L, src, s + o + LONGS).rearrange(EVENS);
                hi.lanewise(VectorOperators.XOR, lo.lanewise(VectorOperators.XOR, hi).and(LOW_HALF))
                        .intoArray(dst, d + r * LONGS);
            }
            return;
        }
        for (int r = from; r < to; r++) {
            int o = offsets[r];
            if (o + last > src.length) {
                ScalarCodeMasks.copyRunsScalar(src, s, s2, split, step, offsets, r, to, dst, d, lanes);
                return;
            }
            LongVector aLo = LongVector.fromArray(L, src, s + o).rearrange(EVENS);
            LongVector aHi = LongVector.fromArray(L, src, s + o + LONGS).rearrange(EVENS);
            LongVector a = aHi.lanewise(VectorOperators.XOR, aLo.lanewise(VectorOperators.XOR, aHi).and(LOW_HALF));
            LongVector bLo = LongVector.fromArray(L, src, s2 + o).rearrange(EVENS);
            LongVector bHi = LongVector.fromArray(L, src, s2 + o + LONGS).rearrange(EVENS);
            LongVector b = bHi.lanewise(VectorOperators.XOR, bLo.lanewise(VectorOperators.XOR, bHi).and(LOW_HALF));
            b.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.XOR, b).and(first))
                    .intoArray(dst, d + r * LONGS);
        }
    }

    // The even words of a step-2 run are written out in each loop rather than in a helper returning
    // a LongVector: once that helper had a compiled body of its own, C2 stopped inlining it into
    // copyRuns and boxed both vectors per run (198 KB per ResNet-18 image in nn's AllocationTest
    // after other networks had run in the same JVM; 0 when ResNet-18 ran alone).

    /**
     * The scalar rounds ({@link ScalarCodeMasks#transpose64Scalar}) on vectors of rows: a round
     * whose distance {@code j} is at least the lane count pairs whole vectors (row {@code k} and
     * {@code k + j} in the same lane); a shorter one pairs lanes of one vector, swapped in by a
     * shuffle, each lane keeping its half of the exchange by a blend.
     */
    @Override
    public void transpose64(long[] a, int off) {
        java.util.Objects.checkFromIndexSize(off, 64, a.length);
        if (LONGS < 4 || LONGS > 8) {
            // 128-bit vectors: their lane shuffle boxed the vectors on x86 with MaxVectorSize=16 (and a
            // vector does 1 round of 6 there); no shuffle here for rounds of 8 or more within a vector
            ScalarCodeMasks.transpose64Scalar(a, off);
            return;
        }
        long m = 0x00000000FFFFFFFFL;
        int j = 32;
        for (; j >= LONGS; j >>= 1, m ^= (m << j)) {
            for (int k = 0; k < 64; k += 2 * j) {
                for (int v = k; v < k + j; v += LONGS) {
                    LongVector x = LongVector.fromArray(L, a, off + v);
                    LongVector y = LongVector.fromArray(L, a, off + v + j);
                    LongVector t = x.lanewise(VectorOperators.LSHR, j).lanewise(VectorOperators.XOR, y).and(m);
                    y.lanewise(VectorOperators.XOR, t).intoArray(a, off + v + j);
                    x.lanewise(VectorOperators.XOR, t.lanewise(VectorOperators.LSHL, j)).intoArray(a, off + v);
                }
            }
        }
        for (; j != 0; j >>= 1, m ^= (m << j)) {
            VectorShuffle<Long> swap = j == 4 ? SWAP4 : j == 2 ? SWAP2 : SWAP1;
            VectorMask<Long> high = j == 4 ? HIGH4 : j == 2 ? HIGH2 : HIGH1;
            for (int v = 0; v < 64; v += LONGS) {
                LongVector x = LongVector.fromArray(L, a, off + v);
                LongVector p = x.rearrange(swap);
                // a low lane (partner above it) takes the partner's low bits into its high half, a high lane
                // the partner's high bits into its low half: the scalar round's two updates
                LongVector low = x.lanewise(VectorOperators.LSHR, j).lanewise(VectorOperators.XOR, p).and(m)
                        .lanewise(VectorOperators.LSHL, j);
                LongVector up = p.lanewise(VectorOperators.LSHR, j).lanewise(VectorOperators.XOR, x).and(m);
                x.lanewise(VectorOperators.XOR, low.blend(up, high)).intoArray(a, off + v);
            }
        }
    }
}

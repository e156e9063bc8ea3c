package io.github.trit4j.bench;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer candidates for ResNet-18's stem product (issue 18, item 3: "can an integer stem beat
 * the fp32 7x7 stem?"): the 7x7, stride 2, pad 3 convolution 3 -> 64 channels on a 224 x 224
 * image, as the product {@code C (64 x 12544) = W (64 x 147) * patches^T} with exact int32
 * results, each read the way the fp32 stem reads its patches (nn's {@code WindowProduct}: the
 * input split into zero-padded stride phases, tap {@code t} of output pixel {@code (oy, ox)} at
 * {@code oy * ROW_STRIDE + ox + taps[t]}, no patch matrix), so that the candidates differ from
 * the fp32 window product only in their arithmetic:
 * <ul>
 *   <li>{@link #widenWindows}: bytes widened to int lanes, int multiply-add (as {@link Int8VectorGemm});</li>
 *   <li>{@link #shortWindows}: short lanes, {@code group} taps multiplied and summed in 16 bits
 *       before the partial sums are widened to int lanes (exact while {@code group * max|w| * max|x|
 *       <= 32767}: 8 taps for 7-bit x 7-bit codes, 2 for 8-bit x 8-bit);</li>
 *   <li>{@link #shortRows}: the same arithmetic on whole output rows, without the lanes
 *       {@link #shortWindows} leaves empty (512-bit vectors only);</li>
 *   <li>{@link #mulAddS2I}: a plain scalar loop in the shape of C2's {@code MulAddS2I} idiom
 *       ({@code out[i] += a[2i]*b[2i] + a[2i+1]*b[2i+1]} over {@code short[]} into {@code int[]}),
 *       which C2's auto-vectoriser turns into {@code pmaddwd} / {@code vpdpwssd}: the patches of a
 *       few output rows copied as tap pairs interleaved per pixel, the weights of each tap pair
 *       repeated along a row.</li>
 * </ul>
 * All write {@code c[i * PIXELS + oy * OW + ox]} (channel-major, the stem's NCHW output). Not
 * thread-safe (the scratch arrays are the caller's); a benchmark study, not library code.
 */
final class IntStemProducts {
    static final int C = 3;
    static final int H = 224;
    static final int KSIZE = 7;
    static final int STRIDE = 2;
    static final int PAD = 3;
    static final int OH = 112;
    static final int OW = 112;
    static final int M = 64;
    static final int K = C * KSIZE * KSIZE;
    static final int PIXELS = OH * OW;
    static final long MACS = (long) M * K * PIXELS;
    /** Rows of a padded phase plane and its columns, as in nn's FloatConv. */
    static final int PAD_ROWS = Math.max(H + 2 * PAD, (OH - 1) * STRIDE + KSIZE);
    static final int PHASE_COLS = (Math.max(H + 2 * PAD, (OW - 1) * STRIDE + KSIZE) + STRIDE - 1) / STRIDE;
    static final int ROW_STRIDE = STRIDE * PHASE_COLS;
    /** Elements of the phase planes, and the readable zeros after them (a vector's overhang). */
    static final int PHASES = C * STRIDE * PAD_ROWS * PHASE_COLS;
    static final int SLACK = 64;

    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    static final int LI = IS.length();
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(IS.vectorBitSize() / 4));
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(IS.vectorBitSize()));
    static final int LS = SS.length();
    /** Half-width shorts: the last 16 pixels of a 112-pixel row in {@link #shortRows}. */
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(IS.vectorBitSize() / 2));
    static final int MR = 4;

    private IntStemProducts() {
    }

    /** Offset of each tap (ch, i, j) in the phase planes for output pixel (0, 0) (FloatConv's formula). */
    static int[] taps() {
        int[] t = new int[K];
        int q = 0;
        for (int ch = 0; ch < C; ch++) {
            for (int i = 0; i < KSIZE; i++) {
                for (int j = 0; j < KSIZE; j++) {
                    t[q++] = ((ch * STRIDE + j % STRIDE) * PAD_ROWS + i) * PHASE_COLS + j / STRIDE;
                }
            }
        }
        return t;
    }

    /** The stride phases of a C x H x H image of codes (pad cells and the slack zero). */
    static int[] phases(int[] x) {
        int[] ph = new int[PHASES + SLACK];
        for (int ch = 0; ch < C; ch++) {
            for (int iy = 0; iy < H; iy++) {
                for (int ix = 0; ix < H; ix++) {
                    int px = ix + PAD;
                    ph[((ch * STRIDE + px % STRIDE) * PAD_ROWS + iy + PAD) * PHASE_COLS + px / STRIDE] =
                            x[(ch * H + iy) * H + ix];
                }
            }
        }
        return ph;
    }

    /** The convolution by its definition: {@code w} is M x C x 7 x 7, {@code x} C x H x H. */
    static int[] naive(int[] w, int[] x) {
        float[] wf = new float[w.length];
        float[] xf = new float[x.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = w[i];
        }
        for (int i = 0; i < x.length; i++) {
            xf[i] = x[i];
        }
        double[] exact = StemErrors.exact(wf, xf)[0]; // every sum is an integer below 2^53: exact in double
        int[] c = new int[exact.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (int) exact[i];
        }
        return c;
    }

    /** W (M x K) packed into slivers of {@value #MR} rows interleaved along K: {@code [(s*K + k)*MR + r]}. */
    static int[] slivers(int[] w) {
        int[] ap = new int[(M + MR - 1) / MR * MR * K];
        for (int i = 0; i < M; i++) {
            for (int k = 0; k < K; k++) {
                ap[(i / MR * K + k) * MR + i % MR] = w[i * K + k];
            }
        }
        return ap;
    }

    static byte[] toBytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static short[] toShorts(int[] v) {
        short[] b = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (short) v[i];
        }
        return b;
    }

    /**
     * Byte phases widened to int lanes: the fp32 window product's register tile ({@value #MR}
     * rows x two vectors of {@code LI} output pixels) with {@code vpmovsxbd} loads and int
     * multiply-adds. {@code ap} are int-valued slivers ({@link #slivers}); {@code tile} holds
     * {@code MR * 2 * LI} ints.
     */
    static void widenWindows(int[] ap, byte[] src, int[] taps, int[] c, int[] tile) {
        final int kk = K;
        final int perRow = (OW + LI - 1) / LI;
        final int chunks = OH * perRow;
        final int slivers = (M + MR - 1) / MR;
        final int nr = 2 * LI;
        for (int ci = 0; ci < chunks; ci += 2) {
            final int oyA = ci / perRow;
            final int oxA = ci % perRow * LI;
            final int cj = Math.min(ci + 1, chunks - 1);
            final int oyB = cj / perRow;
            final int oxB = cj % perRow * LI;
            final int baseA = oyA * ROW_STRIDE + oxA;
            final int baseB = oyB * ROW_STRIDE + oxB;
            final int lanesA = Math.min(LI, OW - oxA);
            final int lanesB = cj == ci ? 0 : Math.min(LI, OW - oxB);
            final int outA = oyA * OW + oxA;
            final int outB = oyB * OW + oxB;
            for (int s = 0; s < slivers; s++) {
                IntVector c00 = IntVector.zero(IS), c01 = IntVector.zero(IS);
                IntVector c10 = IntVector.zero(IS), c11 = IntVector.zero(IS);
                IntVector c20 = IntVector.zero(IS), c21 = IntVector.zero(IS);
                IntVector c30 = IntVector.zero(IS), c31 = IntVector.zero(IS);
                int ao = s * kk * MR;
                for (int q = 0; q < kk; q++, ao += MR) {
                    int t = taps[q];
                    IntVector b0 = (IntVector) ByteVector.fromArray(BS, src, baseA + t)
                            .convertShape(VectorOperators.B2I, IS, 0);
                    IntVector b1 = (IntVector) ByteVector.fromArray(BS, src, baseB + t)
                            .convertShape(VectorOperators.B2I, IS, 0);
                    IntVector x = IntVector.broadcast(IS, ap[ao]);
                    c00 = c00.add(x.mul(b0));
                    c01 = c01.add(x.mul(b1));
                    x = IntVector.broadcast(IS, ap[ao + 1]);
                    c10 = c10.add(x.mul(b0));
                    c11 = c11.add(x.mul(b1));
                    x = IntVector.broadcast(IS, ap[ao + 2]);
                    c20 = c20.add(x.mul(b0));
                    c21 = c21.add(x.mul(b1));
                    x = IntVector.broadcast(IS, ap[ao + 3]);
                    c30 = c30.add(x.mul(b0));
                    c31 = c31.add(x.mul(b1));
                }
                int i0 = s * MR;
                if (i0 + MR <= M && lanesA == LI && lanesB == LI) {
                    int a = outA + i0 * PIXELS;
                    int b = outB + i0 * PIXELS;
                    c00.intoArray(c, a);
                    c01.intoArray(c, b);
                    c10.intoArray(c, a + PIXELS);
                    c11.intoArray(c, b + PIXELS);
                    c20.intoArray(c, a + 2 * PIXELS);
                    c21.intoArray(c, b + 2 * PIXELS);
                    c30.intoArray(c, a + 3 * PIXELS);
                    c31.intoArray(c, b + 3 * PIXELS);
                } else {
                    c00.intoArray(tile, 0);
                    c01.intoArray(tile, LI);
                    c10.intoArray(tile, nr);
                    c11.intoArray(tile, nr + LI);
                    c20.intoArray(tile, 2 * nr);
                    c21.intoArray(tile, 2 * nr + LI);
                    c30.intoArray(tile, 3 * nr);
                    c31.intoArray(tile, 3 * nr + LI);
                    int rows = Math.min(MR, M - i0);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(tile, r * nr, c, outA + (i0 + r) * PIXELS, lanesA);
                        System.arraycopy(tile, r * nr + LI, c, outB + (i0 + r) * PIXELS, lanesB);
                    }
                }
            }
        }
    }

    /**
     * Short phases, short multiplies: the register tile is {@value #MR} rows x two vectors of
     * {@code LS} output pixels; {@code group} taps are multiplied and summed in 16-bit lanes
     * (8 short accumulators), then each partial sum is widened to two int vectors and added to
     * the 16 int accumulators. Exact while {@code group * max|w| * max|x| <= 32767}.
     * {@code ap} are short-valued slivers; {@code tile} holds {@code MR * 2 * LS} ints.
     */
    static void shortWindows(short[] ap, int group, short[] src, int[] taps, int[] c, int[] tile) {
        final int kk = K;
        final int perRow = (OW + LS - 1) / LS;
        final int chunks = OH * perRow;
        final int slivers = (M + MR - 1) / MR;
        final int nr = 2 * LS;
        for (int ci = 0; ci < chunks; ci += 2) {
            final int oyA = ci / perRow;
            final int oxA = ci % perRow * LS;
            final int cj = Math.min(ci + 1, chunks - 1);
            final int oyB = cj / perRow;
            final int oxB = cj % perRow * LS;
            final int baseA = oyA * ROW_STRIDE + oxA;
            final int baseB = oyB * ROW_STRIDE + oxB;
            final int lanesA = Math.min(LS, OW - oxA);
            final int lanesB = cj == ci ? 0 : Math.min(LS, OW - oxB);
            final int outA = oyA * OW + oxA;
            final int outB = oyB * OW + oxB;
            for (int s = 0; s < slivers; s++) {
                // int accumulators: row r, pixel vector v (A or B), half h (lanes [0, LI) or [LI, LS))
                IntVector c0a0 = IntVector.zero(IS), c0a1 = IntVector.zero(IS);
                IntVector c0b0 = IntVector.zero(IS), c0b1 = IntVector.zero(IS);
                IntVector c1a0 = IntVector.zero(IS), c1a1 = IntVector.zero(IS);
                IntVector c1b0 = IntVector.zero(IS), c1b1 = IntVector.zero(IS);
                IntVector c2a0 = IntVector.zero(IS), c2a1 = IntVector.zero(IS);
                IntVector c2b0 = IntVector.zero(IS), c2b1 = IntVector.zero(IS);
                IntVector c3a0 = IntVector.zero(IS), c3a1 = IntVector.zero(IS);
                IntVector c3b0 = IntVector.zero(IS), c3b1 = IntVector.zero(IS);
                int ao = s * kk * MR;
                for (int q0 = 0; q0 < kk; q0 += group) {
                    final int q1 = Math.min(kk, q0 + group);
                    ShortVector s0a = ShortVector.zero(SS), s0b = ShortVector.zero(SS);
                    ShortVector s1a = ShortVector.zero(SS), s1b = ShortVector.zero(SS);
                    ShortVector s2a = ShortVector.zero(SS), s2b = ShortVector.zero(SS);
                    ShortVector s3a = ShortVector.zero(SS), s3b = ShortVector.zero(SS);
                    for (int q = q0; q < q1; q++, ao += MR) {
                        int t = taps[q];
                        ShortVector b0 = ShortVector.fromArray(SS, src, baseA + t);
                        ShortVector b1 = ShortVector.fromArray(SS, src, baseB + t);
                        ShortVector x = ShortVector.broadcast(SS, ap[ao]);
                        s0a = s0a.add(x.mul(b0));
                        s0b = s0b.add(x.mul(b1));
                        x = ShortVector.broadcast(SS, ap[ao + 1]);
                        s1a = s1a.add(x.mul(b0));
                        s1b = s1b.add(x.mul(b1));
                        x = ShortVector.broadcast(SS, ap[ao + 2]);
                        s2a = s2a.add(x.mul(b0));
                        s2b = s2b.add(x.mul(b1));
                        x = ShortVector.broadcast(SS, ap[ao + 3]);
                        s3a = s3a.add(x.mul(b0));
                        s3b = s3b.add(x.mul(b1));
                    }
                    c0a0 = c0a0.add((IntVector) s0a.convertShape(VectorOperators.S2I, IS, 0));
                    c0a1 = c0a1.add((IntVector) s0a.convertShape(VectorOperators.S2I, IS, 1));
                    c0b0 = c0b0.add((IntVector) s0b.convertShape(VectorOperators.S2I, IS, 0));
                    c0b1 = c0b1.add((IntVector) s0b.convertShape(VectorOperators.S2I, IS, 1));
                    c1a0 = c1a0.add((IntVector) s1a.convertShape(VectorOperators.S2I, IS, 0));
                    c1a1 = c1a1.add((IntVector) s1a.convertShape(VectorOperators.S2I, IS, 1));
                    c1b0 = c1b0.add((IntVector) s1b.convertShape(VectorOperators.S2I, IS, 0));
                    c1b1 = c1b1.add((IntVector) s1b.convertShape(VectorOperators.S2I, IS, 1));
                    c2a0 = c2a0.add((IntVector) s2a.convertShape(VectorOperators.S2I, IS, 0));
                    c2a1 = c2a1.add((IntVector) s2a.convertShape(VectorOperators.S2I, IS, 1));
                    c2b0 = c2b0.add((IntVector) s2b.convertShape(VectorOperators.S2I, IS, 0));
                    c2b1 = c2b1.add((IntVector) s2b.convertShape(VectorOperators.S2I, IS, 1));
                    c3a0 = c3a0.add((IntVector) s3a.convertShape(VectorOperators.S2I, IS, 0));
                    c3a1 = c3a1.add((IntVector) s3a.convertShape(VectorOperators.S2I, IS, 1));
                    c3b0 = c3b0.add((IntVector) s3b.convertShape(VectorOperators.S2I, IS, 0));
                    c3b1 = c3b1.add((IntVector) s3b.convertShape(VectorOperators.S2I, IS, 1));
                }
                int i0 = s * MR;
                if (i0 + MR <= M && lanesA == LS && lanesB == LS) {
                    int a = outA + i0 * PIXELS;
                    int b = outB + i0 * PIXELS;
                    c0a0.intoArray(c, a);
                    c0a1.intoArray(c, a + LI);
                    c0b0.intoArray(c, b);
                    c0b1.intoArray(c, b + LI);
                    c1a0.intoArray(c, a + PIXELS);
                    c1a1.intoArray(c, a + PIXELS + LI);
                    c1b0.intoArray(c, b + PIXELS);
                    c1b1.intoArray(c, b + PIXELS + LI);
                    c2a0.intoArray(c, a + 2 * PIXELS);
                    c2a1.intoArray(c, a + 2 * PIXELS + LI);
                    c2b0.intoArray(c, b + 2 * PIXELS);
                    c2b1.intoArray(c, b + 2 * PIXELS + LI);
                    c3a0.intoArray(c, a + 3 * PIXELS);
                    c3a1.intoArray(c, a + 3 * PIXELS + LI);
                    c3b0.intoArray(c, b + 3 * PIXELS);
                    c3b1.intoArray(c, b + 3 * PIXELS + LI);
                } else {
                    c0a0.intoArray(tile, 0);
                    c0a1.intoArray(tile, LI);
                    c0b0.intoArray(tile, LS);
                    c0b1.intoArray(tile, LS + LI);
                    c1a0.intoArray(tile, nr);
                    c1a1.intoArray(tile, nr + LI);
                    c1b0.intoArray(tile, nr + LS);
                    c1b1.intoArray(tile, nr + LS + LI);
                    c2a0.intoArray(tile, 2 * nr);
                    c2a1.intoArray(tile, 2 * nr + LI);
                    c2b0.intoArray(tile, 2 * nr + LS);
                    c2b1.intoArray(tile, 2 * nr + LS + LI);
                    c3a0.intoArray(tile, 3 * nr);
                    c3a1.intoArray(tile, 3 * nr + LI);
                    c3b0.intoArray(tile, 3 * nr + LS);
                    c3b1.intoArray(tile, 3 * nr + LS + LI);
                    int rows = Math.min(MR, M - i0);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(tile, r * nr, c, outA + (i0 + r) * PIXELS, lanesA);
                        System.arraycopy(tile, r * nr + LS, c, outB + (i0 + r) * PIXELS, lanesB);
                    }
                }
            }
        }
    }

    /** Tap pairs: K rounded up to even (the last pair's second tap a zero weight). */
    static final int PAIRS = (K + 1) / 2;
    /** Output rows whose pair-interleaved patches are copied at once (the weights are re-read once per group). */
    static final int MULADD_ROWS = 8;

    /** The weights of each tap pair repeated along a row: {@code [(o * PAIRS + p) * 2 * OW + 2 * ox + e] = w[o][2p + e]}. */
    static short[] pairWeights(int[] w) {
        short[] r = new short[M * PAIRS * 2 * OW];
        for (int o = 0; o < M; o++) {
            for (int p = 0; p < PAIRS; p++) {
                for (int e = 0; e < 2; e++) {
                    int k = 2 * p + e;
                    short v = k < K ? (short) w[o * K + k] : 0;
                    for (int ox = 0; ox < OW; ox++) {
                        r[(o * PAIRS + p) * 2 * OW + 2 * ox + e] = v;
                    }
                }
            }
        }
        return r;
    }

    /** Scratch of {@link #mulAddS2I}: pair-interleaved patches of {@value #MULADD_ROWS} output rows. */
    static short[] pairPatchScratch() {
        return new short[MULADD_ROWS * PAIRS * 2 * OW];
    }

    /**
     * The {@code MulAddS2I} idiom: per group of {@value #MULADD_ROWS} output rows, the patches
     * are copied as tap pairs interleaved per pixel ({@code xp[(r * PAIRS + p) * 2 * OW + 2 * ox + e]}
     * = tap {@code 2p + e} of pixel {@code (oy0 + r, ox)}), then for each output channel and tap
     * pair one scalar loop over the row's pixels that C2 vectorises.
     *
     * @param wp {@link #pairWeights}
     * @param src short phases
     */
    static void mulAddS2I(short[] wp, short[] src, int[] taps, int[] c, short[] xp) {
        final int rowPairs = 2 * OW;
        for (int oy0 = 0; oy0 < OH; oy0 += MULADD_ROWS) {
            final int rows = Math.min(MULADD_ROWS, OH - oy0);
            for (int r = 0; r < rows; r++) {
                int base = (oy0 + r) * ROW_STRIDE;
                for (int p = 0; p < PAIRS; p++) {
                    int d = (r * PAIRS + p) * rowPairs;
                    int t0 = base + taps[2 * p];
                    int t1 = 2 * p + 1 < K ? base + taps[2 * p + 1] : -1;
                    for (int ox = 0; ox < OW; ox++) {
                        xp[d + 2 * ox] = src[t0 + ox];
                        xp[d + 2 * ox + 1] = t1 < 0 ? 0 : src[t1 + ox];
                    }
                }
            }
            for (int o = 0; o < M; o++) {
                for (int r = 0; r < rows; r++) {
                    int out = o * PIXELS + (oy0 + r) * OW;
                    java.util.Arrays.fill(c, out, out + OW, 0);
                    for (int p = 0; p < PAIRS; p++) {
                        mulAddRow(c, out, xp, (r * PAIRS + p) * rowPairs, wp, (o * PAIRS + p) * rowPairs);
                    }
                }
            }
        }
    }

    /** {@code c[out + i] += a[ao + 2i] * b[bo + 2i] + a[ao + 2i + 1] * b[bo + 2i + 1]} for a row: C2's MulAddS2I. */
    static void mulAddRow(int[] c, int out, short[] a, int ao, short[] b, int bo) {
        for (int i = 0; i < OW; i++) {
            c[out + i] += a[ao + 2 * i] * b[bo + 2 * i] + a[ao + 2 * i + 1] * b[bo + 2 * i + 1];
        }
    }

    /**
     * The idiom alone at its best: {@code n} outputs from three arrays that stay in L1
     * ({@code a}, {@code b} of {@code 2n}, {@code c} of {@code n}); an upper bound for {@link #mulAddS2I}.
     */
    static void mulAddL1(int[] c, short[] a, short[] b, int n) {
        for (int i = 0; i < n; i++) {
            c[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    /** W packed in slivers of 2 rows: {@code [(s*K + k)*2 + r]}. */
    static short[] slivers2(int[] w) {
        short[] ap = new short[M * K];
        for (int i = 0; i < M; i++) {
            for (int k = 0; k < K; k++) {
                ap[(i / 2 * K + k) * 2 + i % 2] = (short) w[i * K + k];
            }
        }
        return ap;
    }

    /** Whether {@link #shortRows} fits this JVM's vectors: a row of {@code OW} pixels is 3.5 short vectors (512-bit). */
    static boolean rowsFit() {
        return OW == 3 * LS + LS / 2;
    }

    /**
     * Short lanes without the lanes {@link #shortWindows} wastes (its vectors of 32 pixels cover a
     * 112-pixel row in 4, the last half empty): a tile is 2 output channels x one whole output row
     * (3 vectors of {@code LS = 32} pixels and one half-width vector of 16), 14 int accumulators
     * and 8 short ones; {@code g} taps in short lanes, then widened. Exact while
     * {@code g * max|w| * max|x| <= 32767}. Needs {@link #rowsFit}.
     *
     * @param ap {@link #slivers2}
     */
    static void shortRows(short[] ap, short[] src, int[] taps, int[] c, int g) {
        final int kk = K;
        for (int oy = 0; oy < OH; oy++) {
            final int base = oy * ROW_STRIDE;
            final int out = oy * OW;
            for (int s = 0; s < M / 2; s++) {
                IntVector c0a0 = IntVector.zero(IS), c0a1 = IntVector.zero(IS), c0b0 = IntVector.zero(IS), c0b1 = IntVector.zero(IS);
                IntVector c0c0 = IntVector.zero(IS), c0c1 = IntVector.zero(IS), c0d = IntVector.zero(IS);
                IntVector c1a0 = IntVector.zero(IS), c1a1 = IntVector.zero(IS), c1b0 = IntVector.zero(IS), c1b1 = IntVector.zero(IS);
                IntVector c1c0 = IntVector.zero(IS), c1c1 = IntVector.zero(IS), c1d = IntVector.zero(IS);
                int ao = s * kk * 2;
                for (int q0 = 0; q0 < kk; q0 += g) {
                    final int q1 = Math.min(kk, q0 + g);
                    ShortVector s0a = ShortVector.zero(SS), s0b = ShortVector.zero(SS), s0c = ShortVector.zero(SS);
                    ShortVector s1a = ShortVector.zero(SS), s1b = ShortVector.zero(SS), s1c = ShortVector.zero(SS);
                    ShortVector s0d = ShortVector.zero(SH), s1d = ShortVector.zero(SH);
                    for (int q = q0; q < q1; q++, ao += 2) {
                        int t = base + taps[q];
                        ShortVector va = ShortVector.fromArray(SS, src, t);
                        ShortVector vb = ShortVector.fromArray(SS, src, t + LS);
                        ShortVector vc = ShortVector.fromArray(SS, src, t + 2 * LS);
                        ShortVector vd = ShortVector.fromArray(SH, src, t + 3 * LS);
                        short w0 = ap[ao];
                        short w1 = ap[ao + 1];
                        ShortVector x = ShortVector.broadcast(SS, w0);
                        s0a = s0a.add(x.mul(va));
                        s0b = s0b.add(x.mul(vb));
                        s0c = s0c.add(x.mul(vc));
                        s0d = s0d.add(ShortVector.broadcast(SH, w0).mul(vd));
                        x = ShortVector.broadcast(SS, w1);
                        s1a = s1a.add(x.mul(va));
                        s1b = s1b.add(x.mul(vb));
                        s1c = s1c.add(x.mul(vc));
                        s1d = s1d.add(ShortVector.broadcast(SH, w1).mul(vd));
                    }
                    c0a0 = c0a0.add((IntVector) s0a.convertShape(VectorOperators.S2I, IS, 0));
                    c0a1 = c0a1.add((IntVector) s0a.convertShape(VectorOperators.S2I, IS, 1));
                    c0b0 = c0b0.add((IntVector) s0b.convertShape(VectorOperators.S2I, IS, 0));
                    c0b1 = c0b1.add((IntVector) s0b.convertShape(VectorOperators.S2I, IS, 1));
                    c0c0 = c0c0.add((IntVector) s0c.convertShape(VectorOperators.S2I, IS, 0));
                    c0c1 = c0c1.add((IntVector) s0c.convertShape(VectorOperators.S2I, IS, 1));
                    c0d = c0d.add((IntVector) s0d.convertShape(VectorOperators.S2I, IS, 0));
                    c1a0 = c1a0.add((IntVector) s1a.convertShape(VectorOperators.S2I, IS, 0));
                    c1a1 = c1a1.add((IntVector) s1a.convertShape(VectorOperators.S2I, IS, 1));
                    c1b0 = c1b0.add((IntVector) s1b.convertShape(VectorOperators.S2I, IS, 0));
                    c1b1 = c1b1.add((IntVector) s1b.convertShape(VectorOperators.S2I, IS, 1));
                    c1c0 = c1c0.add((IntVector) s1c.convertShape(VectorOperators.S2I, IS, 0));
                    c1c1 = c1c1.add((IntVector) s1c.convertShape(VectorOperators.S2I, IS, 1));
                    c1d = c1d.add((IntVector) s1d.convertShape(VectorOperators.S2I, IS, 0));
                }
                int o0 = 2 * s * PIXELS + out;
                int o1 = o0 + PIXELS;
                c0a0.intoArray(c, o0);
                c0a1.intoArray(c, o0 + LI);
                c0b0.intoArray(c, o0 + 2 * LI);
                c0b1.intoArray(c, o0 + 3 * LI);
                c0c0.intoArray(c, o0 + 4 * LI);
                c0c1.intoArray(c, o0 + 5 * LI);
                c0d.intoArray(c, o0 + 6 * LI);
                c1a0.intoArray(c, o1);
                c1a1.intoArray(c, o1 + LI);
                c1b0.intoArray(c, o1 + 2 * LI);
                c1b1.intoArray(c, o1 + 3 * LI);
                c1c0.intoArray(c, o1 + 4 * LI);
                c1c1.intoArray(c, o1 + 5 * LI);
                c1d.intoArray(c, o1 + 6 * LI);
            }
        }
    }
}

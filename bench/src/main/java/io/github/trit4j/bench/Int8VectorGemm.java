package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import io.github.trit4j.GemmEngine;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Objects;

/**
 * The 8-bit baseline of the speedup study: signed bytes, int accumulation,
 * {@code C[i][j] = sum_k A[i][k] * B[j][k]} (A is M x K weights, B is N x K activations, both
 * row-major), with the Vector API and the same register tiling as {@link Fp32VectorGemm}.
 *
 * <p>The Vector API has no byte dot-product instruction (no {@code vpmaddubsw},
 * {@code vpdpbusd} or {@code sdot}), so each K step widens one byte vector per half-tile to
 * int lanes ({@code vpmovsxbd} from memory) and does int multiplies and adds: B is read as
 * bytes (a quarter of fp32's traffic), the arithmetic is int32. Sums are exact for
 * {@code K <= 131072} (|a*b| <= 2^14).
 *
 * <ul>
 *   <li>Operands are packed once by {@link #prepare}: A into slivers of {@value #MR} rows,
 *       interleaved along K; B into panels of {@code NR = 2 * lanes} columns, interleaved along K
 *       and zero-padded.</li>
 *   <li>The micro-kernel keeps a {@value #MR} x {@code NR} tile of C in 8 vector registers and
 *       does 8 multiply-adds per K step from 2 vector loads and 4 broadcasts; K is cut into blocks of
 *       {@value #KC} (the B micro-panel stays in L1) and M into blocks of {@value #MC} rows (A's
 *       block stays in L2).</li>
 *   <li>For N below {@value #ALONG_K_BELOW} (matrix-vector products) a panel would be mostly
 *       padding, so vectors run along K instead: 4 rows x 1 column, one lane reduction per output.</li>
 *   <li>Threads take disjoint row ranges, on the trit4j engine's threads ({@link GemmEngine#runRanges}).</li>
 * </ul>
 *
 * <p>As in trit4j's kernels, the micro-kernel is one loop with no helper methods on vectors
 * (C2 boxes vectors that cross a call it did not inline).
 */
public final class Int8VectorGemm {

    static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Bytes that widen to one int vector: a quarter of its bits. */
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 256;
    static final int ALONG_K_BELOW = 8;

    private final int m;
    private final int n;
    private final int k;
    private final byte[] a;       // M x K row-major (along-K path)
    private final byte[] b;       // N x K row-major (along-K path)
    private final byte[] aPacked; // slivers of MR rows: [(s*K + k)*MR + r]
    private final byte[] bPacked; // panels of NR columns: [(p*K + k)*NR + c]

    private Int8VectorGemm(int m, int n, int k, byte[] a, byte[] b, byte[] aPacked, byte[] bPacked) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.b = b;
        this.aPacked = aPacked;
        this.bPacked = bPacked;
    }

    /**
     * Packs the operands for repeated products (the arrays are not copied for the along-K path:
     * do not change them afterwards).
     *
     * @param a M x K, row-major
     * @param b N x K, row-major
     */
    public static Int8VectorGemm prepare(byte[] a, byte[] b, int m, int n, int k) {
        check(a.length, b.length, m, n, k);
        if (n < ALONG_K_BELOW) {
            return new Int8VectorGemm(m, n, k, a, b, null, null);
        }
        int slivers = (m + MR - 1) / MR;
        byte[] ap = new byte[Math.multiplyExact(slivers * MR, k)];
        for (int i = 0; i < m; i++) {
            int s = i / MR;
            int r = i % MR;
            for (int kk = 0; kk < k; kk++) {
                ap[(s * k + kk) * MR + r] = a[i * k + kk];
            }
        }
        int panels = (n + NR - 1) / NR;
        byte[] bp = new byte[Math.multiplyExact(panels * NR, k)];
        for (int j = 0; j < n; j++) {
            int p = j / NR;
            int c = j % NR;
            for (int kk = 0; kk < k; kk++) {
                bp[(p * k + kk) * NR + c] = b[j * k + kk];
            }
        }
        return new Int8VectorGemm(m, n, k, null, null, ap, bp);
    }

    /**
     * Packs A alone, for products whose B changes per call and is written by the caller straight
     * into the packed layout (a convolution's im2col, {@link ConvBaselines}): see
     * {@link #withPackedB} and {@link #withB}. {@code a} is kept for the along-K path: do not
     * change it afterwards.
     *
     * @param a M x K, row-major
     */
    public static Int8VectorGemm packWeights(byte[] a, int m, int k) {
        check(a.length, k, m, 1, k);
        int slivers = (m + MR - 1) / MR;
        byte[] ap = new byte[Math.multiplyExact(slivers * MR, k)];
        for (int i = 0; i < m; i++) {
            int s = i / MR;
            int r = i % MR;
            for (int kk = 0; kk < k; kk++) {
                ap[(s * k + kk) * MR + r] = a[i * k + kk];
            }
        }
        return new Int8VectorGemm(m, 0, k, a, null, ap, null);
    }

    /** Whether a B of {@code n} columns goes through the packed panels ({@link #withPackedB}); else {@link #withB}. */
    public static boolean usesPanels(int n) {
        return n >= ALONG_K_BELOW;
    }

    /** Length of a packed B of {@code n} columns: panels of {@code NR} columns, zero-padded. */
    public static int packedBLength(int n, int k) {
        return Math.multiplyExact((n + NR - 1) / NR * NR, k);
    }

    /** Index of {@code B[j][kk]} in the packed layout of a K-long B. */
    public static int packedBIndex(int j, int kk, int k) {
        return ((j / NR) * k + kk) * NR + j % NR;
    }

    /**
     * A product with this instance's packed A and a B of {@code n >= ALONG_K_BELOW} columns
     * packed by the caller (not copied; pad columns must be zero).
     */
    public Int8VectorGemm withPackedB(byte[] bPacked, int n) {
        if (aPacked == null || !usesPanels(n) || bPacked.length != packedBLength(n, k)) {
            throw new IllegalArgumentException("packed B: n = " + n + " must be >= " + ALONG_K_BELOW
                    + " and its length " + bPacked.length + " K * N rounded up to panels");
        }
        return new Int8VectorGemm(m, n, k, null, null, aPacked, bPacked);
    }

    /** A product with this instance's A and an N x K row-major B (not copied), packed here if {@link #usesPanels}. */
    public Int8VectorGemm withB(byte[] b, int n) {
        if (a == null) {
            throw new IllegalStateException("not made by packWeights");
        }
        return usesPanels(n) ? prepare(a, b, m, n, k) : new Int8VectorGemm(m, n, k, a, b, null, null);
    }

    static void check(int aLength, int bLength, int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("M, N, K must be >= 1, got " + m + ", " + n + ", " + k);
        }
        if (aLength != (long) m * k || bLength != (long) n * k) {
            throw new IllegalArgumentException("A must have M*K and B N*K elements, got " + aLength + " and " + bLength);
        }
    }

    /** Rows of the output. */
    public int m() {
        return m;
    }

    /** Columns of the output. */
    public int n() {
        return n;
    }

    /** {@code c = A * B^T}, {@code c[i*N + j]}, on the engine's threads (up to {@link GemmEngine#threads()} row ranges). */
    public void multiply(int[] c, GemmEngine engine) {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(engine, "engine");
        if (c.length != m * n) {
            throw new IllegalArgumentException("c must have M*N = " + (m * n) + " elements, got " + c.length);
        }
        if (aPacked == null) {
            int units = (m + 3) / 4;
            engine.runRanges(units, Math.min(units, engine.threads()), (from, to) -> alongK(c, from * 4,
                    Math.min(m, to * 4)));
        } else {
            int units = (m + MR - 1) / MR;
            engine.runRanges(units, Math.min(units, engine.threads()), (from, to) -> panels(c, from, to));
        }
    }

    /** Slivers {@code [s0, s1)} of C through the register-tiled kernel. */
    private void panels(int[] c, int s0, int s1) {
        final byte[] ap = aPacked;
        final byte[] bp = bPacked;
        final int kk = k;
        final int nn = n;
        final int panels = (nn + NR - 1) / NR;
        final int mcSlivers = MC / MR;
        final int[] tile = new int[MR * NR];
        for (int k0 = 0; k0 < kk; k0 += KC) {
            final int k1 = Math.min(kk, k0 + KC);
            for (int sb = s0; sb < s1; sb += mcSlivers) {
                final int sbEnd = Math.min(s1, sb + mcSlivers);
                for (int p = 0; p < panels; p++) {
                    final int j0 = p * NR;
                    final boolean full = j0 + NR <= nn;
                    for (int s = sb; s < sbEnd; s++) {
                        // epilogue: full tiles straight to C (adding to it after the first K block);
                        // tiles cut by M or N go to the scratch tile and are copied element-wise
                        int off = s * MR * nn + j0;
                        boolean direct = full && s * MR + MR <= m;
                        microTile(ap, bp, (s * kk + k0) * MR, (p * kk + k0) * NR, k1 - k0,
                                direct ? c : tile, direct ? off : 0, direct ? nn : NR, direct && k0 > 0);
                        if (!direct) {
                            int rows = Math.min(MR, m - s * MR);
                            int cols = Math.min(NR, nn - j0);
                            for (int r = 0; r < rows; r++) {
                                for (int q = 0; q < cols; q++) {
                                    int v = tile[r * NR + q];
                                    c[off + r * nn + q] = k0 > 0 ? c[off + r * nn + q] + v : v;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * One MR x NR tile over {@code kLen} steps of K, into {@code out} at {@code off} with row
     * stride {@code ld} (adding to what is there if {@code accumulate}). A method of its own:
     * kept inside the block loops, C2 compiled the whole nest as one method, ran out of
     * inlining budget on large shapes and boxed the accumulators (2.8 GMAC/s on 1024^3).
     */
    private static void microTile(byte[] ap, byte[] bp, int ao, int bo, int kLen, int[] out, int off, int ld,
                                  boolean accumulate) {
        IntVector c00 = IntVector.zero(S), c01 = IntVector.zero(S);
        IntVector c10 = IntVector.zero(S), c11 = IntVector.zero(S);
        IntVector c20 = IntVector.zero(S), c21 = IntVector.zero(S);
        IntVector c30 = IntVector.zero(S), c31 = IntVector.zero(S);
        for (int q = 0; q < kLen; q++, ao += MR, bo += NR) {
            IntVector b0 = (IntVector) ByteVector.fromArray(BS, bp, bo).convertShape(VectorOperators.B2I, S, 0);
            IntVector b1 = (IntVector) ByteVector.fromArray(BS, bp, bo + L).convertShape(VectorOperators.B2I, S, 0);
            IntVector x = IntVector.broadcast(S, ap[ao]);
            c00 = c00.add(x.mul(b0));
            c01 = c01.add(x.mul(b1));
            x = IntVector.broadcast(S, ap[ao + 1]);
            c10 = c10.add(x.mul(b0));
            c11 = c11.add(x.mul(b1));
            x = IntVector.broadcast(S, ap[ao + 2]);
            c20 = c20.add(x.mul(b0));
            c21 = c21.add(x.mul(b1));
            x = IntVector.broadcast(S, ap[ao + 3]);
            c30 = c30.add(x.mul(b0));
            c31 = c31.add(x.mul(b1));
        }
        if (accumulate) {
            c00 = c00.add(IntVector.fromArray(S, out, off));
            c01 = c01.add(IntVector.fromArray(S, out, off + L));
            c10 = c10.add(IntVector.fromArray(S, out, off + ld));
            c11 = c11.add(IntVector.fromArray(S, out, off + ld + L));
            c20 = c20.add(IntVector.fromArray(S, out, off + 2 * ld));
            c21 = c21.add(IntVector.fromArray(S, out, off + 2 * ld + L));
            c30 = c30.add(IntVector.fromArray(S, out, off + 3 * ld));
            c31 = c31.add(IntVector.fromArray(S, out, off + 3 * ld + L));
        }
        c00.intoArray(out, off);
        c01.intoArray(out, off + L);
        c10.intoArray(out, off + ld);
        c11.intoArray(out, off + ld + L);
        c20.intoArray(out, off + 2 * ld);
        c21.intoArray(out, off + 2 * ld + L);
        c30.intoArray(out, off + 3 * ld);
        c31.intoArray(out, off + 3 * ld + L);
    }

    /** Rows {@code [i0, i1)} of C with vectors along K (small N). */
    private void alongK(int[] c, int i0, int i1) {
        final byte[] aa = a;
        final byte[] bb = b;
        final int kk = k;
        final int kv = BS.loopBound(kk);
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            for (int j = 0; j < n; j++) {
                IntVector s0 = IntVector.zero(S), s1 = IntVector.zero(S);
                IntVector s2 = IntVector.zero(S), s3 = IntVector.zero(S);
                int ar = i * kk;
                int br = j * kk;
                for (int q = 0; q < kv; q += L) {
                    IntVector x = (IntVector) ByteVector.fromArray(BS, bb, br + q).convertShape(VectorOperators.B2I, S, 0);
                    s0 = s0.add(((IntVector) ByteVector.fromArray(BS, aa, ar + q).convertShape(VectorOperators.B2I, S, 0)).mul(x));
                    s1 = s1.add(((IntVector) ByteVector.fromArray(BS, aa, ar + kk + q).convertShape(VectorOperators.B2I, S, 0)).mul(x));
                    s2 = s2.add(((IntVector) ByteVector.fromArray(BS, aa, ar + 2 * kk + q).convertShape(VectorOperators.B2I, S, 0)).mul(x));
                    s3 = s3.add(((IntVector) ByteVector.fromArray(BS, aa, ar + 3 * kk + q).convertShape(VectorOperators.B2I, S, 0)).mul(x));
                }
                int t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
                int t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
                for (int q = kv; q < kk; q++) {
                    int x = bb[br + q];
                    t0 += aa[ar + q] * x;
                    t1 += aa[ar + kk + q] * x;
                    t2 += aa[ar + 2 * kk + q] * x;
                    t3 += aa[ar + 3 * kk + q] * x;
                }
                c[i * n + j] = t0;
                c[(i + 1) * n + j] = t1;
                c[(i + 2) * n + j] = t2;
                c[(i + 3) * n + j] = t3;
            }
        }
        for (; i < i1; i++) {
            for (int j = 0; j < n; j++) {
                IntVector s0 = IntVector.zero(S);
                for (int q = 0; q < kv; q += L) {
                    s0 = s0.add(((IntVector) ByteVector.fromArray(BS, aa, i * kk + q).convertShape(VectorOperators.B2I, S, 0))
                            .mul((IntVector) ByteVector.fromArray(BS, bb, j * kk + q).convertShape(VectorOperators.B2I, S, 0)));
                }
                int t = s0.reduceLanes(VectorOperators.ADD);
                for (int q = kv; q < kk; q++) {
                    t += aa[i * kk + q] * bb[j * kk + q];
                }
                c[i * n + j] = t;
            }
        }
    }
}

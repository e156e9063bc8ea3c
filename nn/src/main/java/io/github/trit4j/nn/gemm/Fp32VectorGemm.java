package io.github.trit4j.nn.gemm;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.RangeTask;
import io.github.trit4j.nn.internal.WindowProduct;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import io.github.trit4j.WorkspacePool;

import java.util.Objects;

/**
 * The pure-JVM fp32 GEMM: {@code C[i][j] = sum_k A[i][k] * B[j][k]}
 * (the layout of trit4j's products: A is M x K weights, B is N x K activations, both row-major)
 * with the Vector API, written the way BLIS writes a GEMM rather than as a strawman. It is the
 * default {@link FloatGemm} of the network runtime ({@link #floatGemm()}) and the fp32 reference
 * of the speedup study.
 *
 * <ul>
 *   <li>Operands are packed once by {@link #prepare}: A into slivers of {@value #MR} rows,
 *       interleaved along K; B into panels of {@code NR = 2 * lanes} columns, interleaved along K
 *       and zero-padded.</li>
 *   <li>The micro-kernel keeps a {@value #MR} x {@code NR} tile of C in 8 vector registers and
 *       does 8 FMAs per K step from 2 vector loads and 4 broadcasts; K is cut into blocks of
 *       {@value #KC} (the B micro-panel stays in L1) and M into blocks of {@value #MC} rows (A's
 *       block stays in L2).</li>
 *   <li>For N below {@value #ALONG_K_BELOW} (matrix-vector products) a panel would be mostly
 *       padding, so vectors run along K instead: 4 rows x 1 column, one lane reduction per output.</li>
 *   <li>Threads take disjoint row ranges, on the trit4j engine's threads
 *       ({@link GemmEngine#runRanges}).</li>
 * </ul>
 *
 * <p>As in trit4j's kernels, the micro-kernel is one loop with no helper methods on vectors
 * (C2 boxes vectors that cross a call it did not inline).
 *
 * <p>Needs the {@code jdk.incubator.vector} module: load it only when that module is resolved
 * ({@link FloatGemm#javaDefault()} does). Instances are immutable once made (the operand arrays
 * are the caller's: do not change them while products run); {@link #multiply} may be called
 * from several threads on distinct outputs.
 */
public final class Fp32VectorGemm {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    public static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 256;
    static final int ALONG_K_BELOW = 8;

    private final int m;
    private final int n;
    private final int k;
    private final float[] a;       // M x K row-major (along-K path)
    private final float[] b;       // N x K row-major (along-K path)
    private final float[] aPacked; // slivers of MR rows: [(s*K + k)*MR + r]
    private final float[] bPacked; // panels of NR columns: [(p*K + k)*NR + c]

    private Fp32VectorGemm(int m, int n, int k, float[] a, float[] b, float[] aPacked, float[] bPacked) {
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
     * @param m rows of A (of the output)
     * @param n rows of B (columns of the output)
     * @param k the reduction length
     * @return the product, ready for {@link #multiply}
     * @throws IllegalArgumentException as {@link #check}, or if a packed copy would exceed a Java array
     */
    public static Fp32VectorGemm prepare(float[] a, float[] b, int m, int n, int k) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        check(a.length, b.length, m, n, k);
        if (n < ALONG_K_BELOW) {
            return new Fp32VectorGemm(m, n, k, a, b, null, null);
        }
        int slivers = (m + MR - 1) / MR;
        float[] ap = new float[Math.multiplyExact(slivers * MR, k)];
        for (int i = 0; i < m; i++) {
            int s = i / MR;
            int r = i % MR;
            for (int kk = 0; kk < k; kk++) {
                ap[(s * k + kk) * MR + r] = a[i * k + kk];
            }
        }
        int panels = (n + NR - 1) / NR;
        float[] bp = new float[Math.multiplyExact(panels * NR, k)];
        for (int j = 0; j < n; j++) {
            int p = j / NR;
            int c = j % NR;
            for (int kk = 0; kk < k; kk++) {
                bp[(p * k + kk) * NR + c] = b[j * k + kk];
            }
        }
        return new Fp32VectorGemm(m, n, k, null, null, ap, bp);
    }

    /**
     * Packs A alone, for products whose B changes per call and is written by the caller straight
     * into the packed layout (a convolution's im2col, as the bench module's {@code ConvBaselines} does): see
     * {@link #withPackedB} and {@link #withB}. {@code a} is kept for the along-K path: do not
     * change it afterwards.
     *
     * @param a M x K, row-major
     * @param m rows of A
     * @param k the reduction length
     * @return A packed, for {@link #withPackedB} or {@link #withB}
     * @throws IllegalArgumentException as {@link #check}, or if the packed copy would exceed a Java array
     */
    public static Fp32VectorGemm packWeights(float[] a, int m, int k) {
        Objects.requireNonNull(a, "a");
        check(a.length, k, m, 1, k);
        int slivers = (m + MR - 1) / MR;
        float[] ap = new float[Math.multiplyExact(slivers * MR, k)];
        for (int i = 0; i < m; i++) {
            int s = i / MR;
            int r = i % MR;
            for (int kk = 0; kk < k; kk++) {
                ap[(s * k + kk) * MR + r] = a[i * k + kk];
            }
        }
        return new Fp32VectorGemm(m, 0, k, a, null, ap, null);
    }

    /**
     * {@return whether a B of {@code n} columns goes through the packed panels ({@link #withPackedB}); else
     * {@link #withB}}
     *
     * @param n columns of the output (rows of B)
     */
    public static boolean usesPanels(int n) {
        return n >= ALONG_K_BELOW;
    }

    /**
     * {@return length of a packed B of {@code n} columns: panels of {@code NR} columns, zero-padded}
     *
     * @param n columns of the output (rows of B)
     * @param k the reduction length
     * @throws IllegalArgumentException if {@code n} or {@code k} is below 1 or the length exceeds an int
     */
    public static int packedBLength(int n, int k) {
        if (n < 1 || k < 1) {
            throw new IllegalArgumentException("n and k must be >= 1, got " + n + ", " + k);
        }
        long len = ((long) n + NR - 1) / NR * NR * k;
        if (len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("packed B of n = " + n + ", k = " + k + " has " + len
                    + " elements, beyond a Java array");
        }
        return (int) len;
    }

    /**
     * {@return index of {@code B[j][kk]} in the packed layout of a K-long B}
     *
     * @param j  the row of B (column of the output)
     * @param kk the position along K
     * @param k  the reduction length
     */
    public static int packedBIndex(int j, int kk, int k) {
        return ((j / NR) * k + kk) * NR + j % NR;
    }

    /**
     * A product with this instance's packed A and a B of {@code n >= ALONG_K_BELOW} columns
     * packed by the caller (not copied; pad columns must be zero).
     *
     * @param bPacked B in the packed layout ({@link #packedBIndex}), {@link #packedBLength} long
     * @param n       rows of B (columns of the output)
     * @return the product, ready for {@link #multiply}
     * @throws IllegalArgumentException if {@code n} is below the panel threshold or the length is not
     *                                  {@link #packedBLength}
     */
    public Fp32VectorGemm withPackedB(float[] bPacked, int n) {
        Objects.requireNonNull(bPacked, "bPacked");
        if (aPacked == null || !usesPanels(n) || bPacked.length != packedBLength(n, k)) {
            throw new IllegalArgumentException("packed B: n = " + n + " must be >= " + ALONG_K_BELOW
                    + " and its length " + bPacked.length + " K * N rounded up to panels");
        }
        return new Fp32VectorGemm(m, n, k, null, null, aPacked, bPacked);
    }

    /**
     * {@return a product with this instance's A and an N x K row-major B (not copied), packed here if
     * {@link #usesPanels}}
     *
     * @param b N x K, row-major
     * @param n rows of B (columns of the output)
     * @throws IllegalArgumentException if {@code n < 1} or {@code b.length != n * K}
     * @throws IllegalStateException    if this instance was not made by {@link #packWeights}
     */
    public Fp32VectorGemm withB(float[] b, int n) {
        Objects.requireNonNull(b, "b");
        if (a == null) {
            throw new IllegalStateException("not made by packWeights");
        }
        if (n < 1 || b.length != (long) n * k) {
            throw new IllegalArgumentException("b.length is " + b.length + " but n * K = " + n + " * " + k + " = "
                    + (long) n * k + " (n must be >= 1)");
        }
        return usesPanels(n) ? prepare(a, b, m, n, k) : new Fp32VectorGemm(m, n, k, a, b, null, null);
    }

    /** {@return bits of the vectors this JVM's kernel uses (the preferred species)} */
    public static int vectorBits() {
        return S.vectorBitSize();
    }

    /**
     * Checks operand lengths of {@code C = A * B^T}.
     *
     * @param aLength length of A
     * @param bLength length of B
     * @param m       rows of A
     * @param n       rows of B
     * @param k       the reduction length
     * @throws IllegalArgumentException if a dimension is below 1 or a length is not M*K / N*K
     */
    public static void check(int aLength, int bLength, int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("M, N, K must be >= 1, got " + m + ", " + n + ", " + k);
        }
        if (aLength != (long) m * k || bLength != (long) n * k) {
            throw new IllegalArgumentException("A must have M*K = " + (long) m * k + " and B N*K = " + (long) n * k
                    + " elements, got " + aLength + " and " + bLength);
        }
    }

    /** {@return rows of the output} */
    public int m() {
        return m;
    }

    /** {@return columns of the output} */
    public int n() {
        return n;
    }

    /**
     * {@code c = A * B^T}, {@code c[i*N + j]}, on the engine's threads (up to
     * {@link GemmEngine#threads()} row ranges).
     *
     * @param c      the output, M x N row-major, exactly M*N long
     * @param engine whose threads the product may use
     * @throws IllegalArgumentException if {@code c.length != M*N} or there is no B yet (from
     *                                  {@link #packWeights} without {@link #withB})
     */
    public void multiply(float[] c, GemmEngine engine) {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(engine, "engine");
        if (n == 0) {
            throw new IllegalArgumentException("no B: an instance from packWeights needs withB or withPackedB first");
        }
        if (c.length != (long) m * n) {
            throw new IllegalArgumentException("c must have M*N = " + (long) m * n + " elements, got " + c.length);
        }
        int units = aPacked == null ? (m + 3) / 4 : (m + MR - 1) / MR;
        RangeTask rows = aPacked == null
                ? (from, to) -> VectorFloatGemm.withTile(t -> alongK(a, b, m, n, k, c, 0, from * 4, Math.min(m, to * 4), t))
                : (from, to) -> VectorFloatGemm.withTile(t -> panels(aPacked, bPacked, m, n, k, c, 0, n, from, to, t));
        engine.runRanges(units, Math.min(units, engine.threads()), rows);
    }

    /**
     * Slivers {@code [s0, s1)} of C through the register-tiled kernel: the {@code n} columns of
     * {@code bp}'s panels, row {@code i} of C at {@code cOff + i * ldc}.
     */
    static void panels(float[] ap, float[] bp, int m, int n, int k, float[] c, int cOff, int ldc, int s0, int s1,
                       float[] tile) {
        final int kk = k;
        final int nn = n;
        final int ld = ldc;
        final int panels = (nn + NR - 1) / NR;
        final int mcSlivers = MC / MR;
        for (int k0 = 0; k0 < kk; k0 += KC) {
            final int k1 = Math.min(kk, k0 + KC);
            for (int sb = s0; sb < s1; sb += mcSlivers) {
                final int sbEnd = Math.min(s1, sb + mcSlivers);
                for (int p = 0; p < panels; p++) {
                    final int j0 = p * NR;
                    final boolean full = j0 + NR <= nn;
                    for (int s = sb; s < sbEnd; s++) {
                        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
                        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
                        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
                        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
                        int ao = (s * kk + k0) * MR;
                        int bo = (p * kk + k0) * NR;
                        for (int q = k0; q < k1; q++, ao += MR, bo += NR) {
                            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
                            FloatVector x = FloatVector.broadcast(S, ap[ao]);
                            c00 = x.fma(b0, c00);
                            c01 = x.fma(b1, c01);
                            x = FloatVector.broadcast(S, ap[ao + 1]);
                            c10 = x.fma(b0, c10);
                            c11 = x.fma(b1, c11);
                            x = FloatVector.broadcast(S, ap[ao + 2]);
                            c20 = x.fma(b0, c20);
                            c21 = x.fma(b1, c21);
                            x = FloatVector.broadcast(S, ap[ao + 3]);
                            c30 = x.fma(b0, c30);
                            c31 = x.fma(b1, c31);
                        }
                        // epilogue: full tiles straight to C (adding to it after the first K block);
                        // tiles cut by M or N spill to the scratch tile and are copied element-wise
                        int off = cOff + s * MR * ld + j0;
                        if (full && s * MR + MR <= m) {
                            if (k0 > 0) {
                                c00 = c00.add(FloatVector.fromArray(S, c, off));
                                c01 = c01.add(FloatVector.fromArray(S, c, off + L));
                                c10 = c10.add(FloatVector.fromArray(S, c, off + ld));
                                c11 = c11.add(FloatVector.fromArray(S, c, off + ld + L));
                                c20 = c20.add(FloatVector.fromArray(S, c, off + 2 * ld));
                                c21 = c21.add(FloatVector.fromArray(S, c, off + 2 * ld + L));
                                c30 = c30.add(FloatVector.fromArray(S, c, off + 3 * ld));
                                c31 = c31.add(FloatVector.fromArray(S, c, off + 3 * ld + L));
                            }
                            store(c, off, off + L, ld, c00, c01, c10, c11, c20, c21, c30, c31);
                        } else {
                            store(tile, 0, L, NR, c00, c01, c10, c11, c20, c21, c30, c31);
                            int rows = Math.min(MR, m - s * MR);
                            int cols = Math.min(NR, nn - j0);
                            for (int r = 0; r < rows; r++) {
                                for (int q = 0; q < cols; q++) {
                                    float v = tile[r * NR + q];
                                    c[off + r * ld + q] = k0 > 0 ? c[off + r * ld + q] + v : v;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Output rows {@code [oy0, oy1)} of a convolution read from windows of {@code src}
     * ({@link WindowProduct#multiplyWindows}): the register tile of {@link #panels}, {@value #MR}
     * rows of C by two vectors of output pixels, each vector {@code L} consecutive pixels of one
     * output row (the two may lie in different rows), tap {@code t} of the vector at
     * {@code base + taps[t]}. For {@code K <= KC} each output is the fused multiply-add chain of
     * {@link #panels} from zero over the same products in the same order, so the results are
     * {@link #panels}' bit for bit. Reads up to {@code L - 1} elements past a row's last window
     * (lanes cut off at the store).
     */
    static void windows(float[] ap, int m, int k, float[] src, int[] taps, int rowStride, int ow, int oy0, int oy1,
                        float[] c, int cOff, int ldc, float[] tile) {
        final int kk = k;
        final int perRow = (ow + L - 1) / L;
        final int chunks = (oy1 - oy0) * perRow;
        final int slivers = (m + MR - 1) / MR;
        for (int ci = 0; ci < chunks; ci += 2) {
            final int oyA = oy0 + ci / perRow;
            final int oxA = ci % perRow * L;
            final int cj = Math.min(ci + 1, chunks - 1); // a lone last chunk is computed twice, stored once
            final int oyB = oy0 + cj / perRow;
            final int oxB = cj % perRow * L;
            final int baseA = oyA * rowStride + oxA;
            final int baseB = oyB * rowStride + oxB;
            final int lanesA = Math.min(L, ow - oxA);
            final int lanesB = cj == ci ? 0 : Math.min(L, ow - oxB);
            final int outA = cOff + oyA * ow + oxA;
            final int outB = cOff + oyB * ow + oxB;
            for (int s = 0; s < slivers; s++) {
                FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
                FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
                FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
                FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
                int ao = s * kk * MR;
                for (int q = 0; q < kk; q++, ao += MR) {
                    int t = taps[q];
                    FloatVector b0 = FloatVector.fromArray(S, src, baseA + t);
                    FloatVector b1 = FloatVector.fromArray(S, src, baseB + t);
                    FloatVector x = FloatVector.broadcast(S, ap[ao]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(S, ap[ao + 1]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(S, ap[ao + 2]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(S, ap[ao + 3]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                int i0 = s * MR;
                if (i0 + MR <= m && lanesA == L && lanesB == L) {
                    int a = outA + i0 * ldc;
                    int b = outB + i0 * ldc;
                    store(c, a, b, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
                } else {
                    store(tile, 0, L, NR, c00, c01, c10, c11, c20, c21, c30, c31);
                    int rows = Math.min(MR, m - i0);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(tile, r * NR, c, outA + (i0 + r) * ldc, lanesA);
                        System.arraycopy(tile, r * NR + L, c, outB + (i0 + r) * ldc, lanesB);
                    }
                }
            }
        }
    }

    /**
     * Stores the {@value #MR} x 2 register tile of {@link #panels} and {@link #windows}: row {@code r}'s two
     * vectors at {@code out[left + r * ld]} and {@code out[right + r * ld]}; into the spill tile with
     * {@code (0, L, NR)}. Small, so that C2 inlines it and the vectors stay in registers.
     */
    private static void store(float[] out, int left, int right, int ld, FloatVector c00, FloatVector c01,
                              FloatVector c10, FloatVector c11, FloatVector c20, FloatVector c21, FloatVector c30,
                              FloatVector c31) {
        c00.intoArray(out, left);
        c01.intoArray(out, right);
        c10.intoArray(out, left + ld);
        c11.intoArray(out, right + ld);
        c20.intoArray(out, left + 2 * ld);
        c21.intoArray(out, right + 2 * ld);
        c30.intoArray(out, left + 3 * ld);
        c31.intoArray(out, right + 3 * ld);
    }

    /** The {@link #L} floats of {@code lanes} from {@code off}, summed in lane order. */
    private static float sumLanes(float[] lanes, int off) {
        float t = lanes[off];
        for (int i = 1; i < L; i++) {
            t += lanes[off + i];
        }
        return t;
    }

    /**
     * Rows {@code [i0, i1)} of C with vectors along K (small N). Each output's lane sums are added
     * in lane order in scalar code ({@code lanes}: room for 4 vectors), so the result is the same
     * in every JIT tier.
     */
    static void alongK(float[] aa, float[] bb, int m, int n, int k, float[] c, int cOff, int i0, int i1,
                       float[] lanes) {
        final int kk = k;
        final int kv = S.loopBound(kk);
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            for (int j = 0; j < n; j++) {
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                int ar = i * kk;
                int br = j * kk;
                for (int q = 0; q < kv; q += L) {
                    FloatVector x = FloatVector.fromArray(S, bb, br + q);
                    s0 = FloatVector.fromArray(S, aa, ar + q).fma(x, s0);
                    s1 = FloatVector.fromArray(S, aa, ar + kk + q).fma(x, s1);
                    s2 = FloatVector.fromArray(S, aa, ar + 2 * kk + q).fma(x, s2);
                    s3 = FloatVector.fromArray(S, aa, ar + 3 * kk + q).fma(x, s3);
                }
                // the lanes summed in lane order by plain Java code, not reduceLanes: its order is
                // unspecified and differs between the interpreter's Java code and C2's intrinsic,
                // which changed results once the method was compiled
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, L);
                s2.intoArray(lanes, 2 * L);
                s3.intoArray(lanes, 3 * L);
                float t0 = sumLanes(lanes, 0), t1 = sumLanes(lanes, L);
                float t2 = sumLanes(lanes, 2 * L), t3 = sumLanes(lanes, 3 * L);
                for (int q = kv; q < kk; q++) {
                    float x = bb[br + q];
                    t0 += aa[ar + q] * x;
                    t1 += aa[ar + kk + q] * x;
                    t2 += aa[ar + 2 * kk + q] * x;
                    t3 += aa[ar + 3 * kk + q] * x;
                }
                c[cOff + i * n + j] = t0;
                c[cOff + (i + 1) * n + j] = t1;
                c[cOff + (i + 2) * n + j] = t2;
                c[cOff + (i + 3) * n + j] = t3;
            }
        }
        for (; i < i1; i++) {
            for (int j = 0; j < n; j++) {
                FloatVector s0 = FloatVector.zero(S);
                for (int q = 0; q < kv; q += L) {
                    s0 = FloatVector.fromArray(S, aa, i * kk + q).fma(FloatVector.fromArray(S, bb, j * kk + q), s0);
                }
                s0.intoArray(lanes, 0);
                float t = sumLanes(lanes, 0);
                for (int q = kv; q < kk; q++) {
                    t += aa[i * kk + q] * bb[j * kk + q];
                }
                c[cOff + i * n + j] = t;
            }
        }
    }

    /**
     * This kernel as the network runtime's {@link FloatGemm}: A packed once into slivers, B
     * packed per call into a per-thread panel buffer (reused while its size stays), or read in
     * place when it has fewer than {@value #ALONG_K_BELOW} rows. Thread-safe.
     *
     * @return the shared instance
     */
    public static FloatGemm floatGemm() {
        return VectorFloatGemm.INSTANCE;
    }

    private static final class VectorFloatGemm implements FloatGemm {
        static final VectorFloatGemm INSTANCE = new VectorFloatGemm();
        /**
         * The spill tile of the micro-kernel (and the lane sums of the along-K path), for every
         * thread that runs a range: the runtime's one workspace mechanism ({@link WorkspacePool}).
         */
        private static final WorkspacePool<float[]> TILES = new WorkspacePool<>(() -> new float[MR * NR]);
        /** A calling thread's packed-B buffer and product task, kept: a product allocates nothing. */
        private static final WorkspacePool<Call> CALLS = new WorkspacePool<>(Call::new);

        /** One call's buffers. */
        private static final class Call {
            float[] packedB;
            final Product product = new Product();
        }

        /** Runs {@code body} with a tile of this thread's. */
        static void withTile(java.util.function.Consumer<float[]> body) {
            float[] t = TILES.acquire();
            try {
                body.accept(t);
            } finally {
                TILES.release(t);
            }
        }

        /** Runs the panel kernel on slivers {@code [s0, s1)} with a tile of this thread's. */
        static void panelsWithTile(float[] ap, float[] bp, int m, int n, int k, float[] c, int cOff, int ldc, int s0,
                                   int s1) {
            float[] t = TILES.acquire();
            try {
                panels(ap, bp, m, n, k, c, cOff, ldc, s0, s1, t);
            } finally {
                TILES.release(t);
            }
        }

        /** Runs the along-K kernel on rows {@code [i0, i1)} with a tile of this thread's. */
        static void alongKWithTile(float[] a, float[] b, int m, int n, int k, float[] c, int cOff, int i0, int i1) {
            float[] t = TILES.acquire();
            try {
                alongK(a, b, m, n, k, c, cOff, i0, i1, t);
            } finally {
                TILES.release(t);
            }
        }

        /** One product; the ranges are slivers, or blocks of 4 rows along K ({@link FloatProductTask}). */
        private static final class Product extends FloatProductTask {
            boolean panels;

            @Override
            public void run(int from, int to) {
                if (panels) {
                    panelsWithTile(a, b, m, n, k, c, cOffset, n, from, to);
                } else {
                    alongKWithTile(a, b, m, n, k, c, cOffset, from * 4, Math.min(m, to * 4));
                }
            }

            /** Runs the product on the engine's threads, then forgets its arrays. */
            void run(GemmEngine engine, boolean panels, float[] a, float[] b, int m, int n, int k, float[] c,
                     int cOffset) {
                this.panels = panels;
                runOn(engine, panels ? (m + MR - 1) / MR : (m + 3) / 4, a, b, m, n, k, c, cOffset);
            }
        }

        /** The prepared operand: panels and windows. */
        private interface WindowPanels extends PanelPrepared, WindowProduct {
        }

        @Override
        public Prepared prepare(float[] a, int m, int k) {
            Objects.requireNonNull(a, "a");
            Fp32VectorGemm g = packWeights(a.clone(), m, k);
            return new WindowPanels() {
                @Override
                public boolean takesWindows(int kk) {
                    return kk == k && k <= KC;
                }

                @Override
                public int windowSlack() {
                    return L - 1;
                }

                @Override
                public void multiplyWindows(float[] src, int[] taps, int rowStride, int ow, int oy0, int oy1,
                                            float[] c, int cOffset, int ldc) {
                    Objects.requireNonNull(src, "src");
                    Objects.requireNonNull(taps, "taps");
                    Objects.requireNonNull(c, "c");
                    if (!takesWindows(taps.length)) {
                        throw new IllegalArgumentException("taps.length is " + taps.length + " but K = " + k
                                + " must equal it and be <= " + KC);
                    }
                    if (ow < 1 || oy0 < 0 || oy1 <= oy0 || rowStride < 0) {
                        throw new IllegalArgumentException("ow = " + ow + ", rows [" + oy0 + ", " + oy1
                                + "), rowStride = " + rowStride + ": need ow >= 1, 0 <= oy0 < oy1, rowStride >= 0");
                    }
                    int maxTap = 0;
                    for (int t : taps) {
                        if (t < 0) {
                            throw new IllegalArgumentException("negative tap " + t);
                        }
                        maxTap = Math.max(maxTap, t);
                    }
                    long need = (long) (oy1 - 1) * rowStride + ow + maxTap + windowSlack();
                    if (src.length < need) {
                        throw new IllegalArgumentException("src.length is " + src.length + " but the windows read "
                                + need + " elements");
                    }
                    long last = (long) cOffset + (long) (m - 1) * ldc + (long) oy1 * ow;
                    if (cOffset < 0 || ldc < (long) oy1 * ow || c.length < last) {
                        throw new IllegalArgumentException("c.length is " + c.length + ", ldc " + ldc + ", cOffset "
                                + cOffset + ": rows up to " + oy1 + " of " + ow + " pixels need " + last);
                    }
                    float[] t = TILES.acquire();
                    try {
                        windows(g.aPacked, m, k, src, taps, rowStride, ow, oy0, oy1, c, cOffset, ldc, t);
                    } finally {
                        TILES.release(t);
                    }
                }

                @Override
                public int panelWidth() {
                    return NR;
                }

                @Override
                public boolean takesPanels(int n) {
                    return usesPanels(n);
                }

                @Override
                public void multiplyPanels(float[] bp, int n, float[] c, int cOffset, GemmEngine engine) {
                    java.util.Objects.requireNonNull(bp, "panels");
                    if (!usesPanels(n)) {
                        throw new IllegalArgumentException("n = " + n + " is below " + ALONG_K_BELOW
                                + ": not given as panels");
                    }
                    if (bp.length < packedBLength(n, k)) {
                        throw new IllegalArgumentException("panels.length is " + bp.length + " but N rounded up "
                                + "to panels of " + NR + " times K = " + packedBLength(n, k));
                    }
                    FloatGemm.checkMultiply(m, k, bp, n, c, cOffset, engine); // bp is at least n * K long
                    if (engine.threads() == 1) {
                        panelsWithTile(g.aPacked, bp, m, n, k, c, cOffset, n, 0, (m + MR - 1) / MR);
                        return;
                    }
                    Call call = CALLS.acquire();
                    try {
                        call.product.run(engine, true, g.aPacked, bp, m, n, k, c, cOffset);
                    } finally {
                        CALLS.release(call);
                    }
                }

                @Override
                public void multiplyPanelColumns(float[] bp, int cols, float[] c, int cOffset, int ldc) {
                    java.util.Objects.requireNonNull(bp, "panels");
                    java.util.Objects.requireNonNull(c, "c");
                    if (cols < 1 || ldc < cols) {
                        throw new IllegalArgumentException("cols = " + cols + " must be >= 1 and <= ldc = " + ldc);
                    }
                    if (bp.length < packedBLength(cols, k)) {
                        throw new IllegalArgumentException("panels.length is " + bp.length + " but cols rounded up "
                                + "to panels of " + NR + " times K = " + packedBLength(cols, k));
                    }
                    if (cOffset < 0 || c.length < (long) cOffset + (long) (m - 1) * ldc + cols) {
                        throw new IllegalArgumentException("c.length is " + c.length + " but cOffset + (M - 1) * ldc"
                                + " + cols = " + ((long) cOffset + (long) (m - 1) * ldc + cols));
                    }
                    panelsWithTile(g.aPacked, bp, m, cols, k, c, cOffset, ldc, 0, (m + MR - 1) / MR);
                }

                @Override
                public int m() {
                    return m;
                }

                @Override
                public int k() {
                    return k;
                }

                @Override
                public void multiply(float[] b, int n, float[] c, int cOffset, GemmEngine engine) {
                    FloatGemm.checkMultiply(m, k, b, n, c, cOffset, engine);
                    int threads = engine.threads();
                    // one thread: the kernels called directly
                    if (!usesPanels(n) && threads == 1) {
                        alongKWithTile(g.a, b, m, n, k, c, cOffset, 0, m);
                        return;
                    }
                    Call call = CALLS.acquire();
                    try {
                        multiply(call, b, n, c, cOffset, engine, threads);
                    } finally {
                        CALLS.release(call);
                    }
                }

                private void multiply(Call call, float[] b, int n, float[] c, int cOffset, GemmEngine engine,
                                      int threads) {
                    if (!usesPanels(n)) {
                        call.product.run(engine, false, g.a, b, m, n, k, c, cOffset);
                        return;
                    }
                    int len = packedBLength(n, k);
                    if (call.packedB == null || call.packedB.length < len) {
                        call.packedB = new float[len];
                    }
                    float[] bp = call.packedB;
                    // panel by panel, K outer: the writes are sequential, the reads NR row streams
                    int panelCount = (n + NR - 1) / NR;
                    for (int p = 0; p < panelCount; p++) {
                        int j0 = p * NR;
                        int cols = Math.min(NR, n - j0);
                        int dst = p * k * NR;
                        for (int q = 0; q < k; q++, dst += NR) {
                            int src = j0 * k + q;
                            for (int col = 0; col < cols; col++, src += k) {
                                bp[dst + col] = b[src];
                            }
                            for (int col = cols; col < NR; col++) {
                                bp[dst + col] = 0f; // pad columns: zero, whatever an earlier product left
                            }
                        }
                    }
                    if (threads == 1) {
                        panelsWithTile(g.aPacked, bp, m, n, k, c, cOffset, n, 0, (m + MR - 1) / MR);
                        return;
                    }
                    call.product.run(engine, true, g.aPacked, bp, m, n, k, c, cOffset);
                }
            };
        }

        @Override
        public String name() {
            return "Vector API " + vectorBits() + "-bit";
        }
    }
}

package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The study's convolution baselines, batch 1, NCHW in, NCHW out ({@code out[o][oy][ox]}), each
 * the way a Java user would write it with that GEMM: im2col per call, then one GEMM with the
 * weights (OIHW, i.e. M x K with K in {@code (c, kh, kw)} order) prepared once.
 * <ul>
 *   <li>fp32 OpenBLAS: im2col into the K x N column matrix (Caffe's layout: row {@code (c,kh,kw)},
 *   column = output pixel; rows are copied in runs straight from input rows) in off-heap memory,
 *   then {@code cblas_sgemm(RowMajor, NoTrans, NoTrans)}; OpenBLAS packs internally.</li>
 *   <li>fp32 Vector API and int8 Vector API: im2col writes straight into the GEMM's packed B
 *   panels ({@link Fp32VectorGemm#packedBIndex}), fused, so the activations are written once per
 *   call; A (weights) is packed once.</li>
 * </ul>
 * The im2col is split over K rows on the product's threads ({@link GemmEngine#runRanges}, trit4j's
 * helper threads, as the GEMMs). Taps in the zero
 * padding are zero from allocation and never written (they are the same on every call).
 */
final class ConvBaselines {

    private ConvBaselines() {
    }

    /** fp32 im2col + OpenBLAS sgemm (FFM, {@link OpenBlas}); {@code input} C x H x W, {@code weights} O x C x k x k. */
    static StudyProduct openBlas(OpenBlas blas, ConvShape s, float[] input, float[] weights, int threads) {
        check(s, input.length, weights.length);
        int m = s.m();
        int n = s.n();
        int k = s.k();
        Arena arena = Arena.ofShared();
        MemorySegment a = OpenBlasSgemm.copy(arena, weights);
        MemorySegment cols = arena.allocate((long) k * n * Float.BYTES, 64); // zeroed: padding taps stay 0
        MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
        String kernel = blas.describe() + " + im2col";
        GemmEngine engine = Gemm.engine().withThreads(threads);
        return new StudyProduct() {
            @Override
            public void run() {
                engine.runRanges(k, Math.min(k, threads), (from, to) -> im2colRows(s, input, cols, from, to));
                blas.threads(threads);
                blas.sgemm(false, m, n, k, a, cols, c);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(c.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    /** fp32 im2col fused into {@link Fp32VectorGemm}'s packed panels + its GEMM. */
    static StudyProduct fp32Vector(ConvShape s, float[] input, float[] weights, int threads) {
        check(s, input.length, weights.length);
        int n = s.n();
        int k = s.k();
        Fp32VectorGemm w = Fp32VectorGemm.packWeights(weights, s.m(), k);
        boolean panels = Fp32VectorGemm.usesPanels(n);
        float[] b = new float[panels ? Fp32VectorGemm.packedBLength(n, k) : n * k];
        Fp32VectorGemm gemm = panels ? w.withPackedB(b, n) : w.withB(b, n);
        float[] out = new float[s.m() * n];
        String kernel = "Vector API " + Fp32VectorGemm.vectorBits() + "-bit + im2col";
        GemmEngine engine = Gemm.engine().withThreads(threads);
        return new StudyProduct() {
            @Override
            public void run() {
                engine.runRanges(k, Math.min(k, threads), (from, to) -> im2colPacked(s, input, b, panels, Fp32VectorGemm.NR, from, to));
                gemm.multiply(out, engine);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(out);
            }
        };
    }

    /** int8 im2col fused into {@link Int8VectorGemm}'s packed panels + its GEMM (exact int32 sums). */
    static StudyProduct int8Vector(ConvShape s, byte[] input, byte[] weights, int threads) {
        check(s, input.length, weights.length);
        int n = s.n();
        int k = s.k();
        Int8VectorGemm w = Int8VectorGemm.packWeights(weights, s.m(), k);
        boolean panels = Int8VectorGemm.usesPanels(n);
        byte[] b = new byte[panels ? Int8VectorGemm.packedBLength(n, k) : n * k];
        Int8VectorGemm gemm = panels ? w.withPackedB(b, n) : w.withB(b, n);
        int[] out = new int[s.m() * n];
        String kernel = "Vector API " + Int8VectorGemm.S.vectorBitSize() + "-bit + im2col";
        GemmEngine engine = Gemm.engine().withThreads(threads);
        return new StudyProduct() {
            @Override
            public void run() {
                engine.runRanges(k, Math.min(k, threads), (from, to) -> im2colPacked(s, input, b, panels, Int8VectorGemm.NR, from, to));
                gemm.multiply(out, engine);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                double[] d = new double[out.length];
                for (int i = 0; i < out.length; i++) {
                    d[i] = out[i];
                }
                return d;
            }
        };
    }

    private static void check(ConvShape s, int inputLength, int weightLength) {
        if (inputLength != s.channels() * s.height() * s.width() || weightLength != s.m() * s.k()) {
            throw new IllegalArgumentException("input must have C*H*W = " + s.channels() * s.height() * s.width()
                    + " and weights O*C*k*k = " + s.m() * s.k() + " elements, got " + inputLength + " and " + weightLength);
        }
    }

    /** First output column whose tap {@code kx} lands inside the input: {@code ox*stride - pad + kx >= 0}. */
    private static int firstInside(int pad, int kx, int stride) {
        int need = pad - kx;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output column whose tap lands inside: {@code ox*stride - pad + kx <= size - 1}. */
    private static int endInside(int size, int pad, int kx, int stride, int outSize) {
        int limit = size - 1 + pad - kx;
        return limit < 0 ? 0 : Math.min(outSize, limit / stride + 1);
    }

    /** Rows {@code [from, to)} of the K x N column matrix, off-heap: {@code cols[kk][oy*OW + ox]}. */
    static void im2colRows(ConvShape s, float[] input, MemorySegment cols, int from, int to) {
        int kernel = s.kernel();
        int taps = kernel * kernel;
        int stride = s.stride();
        int pad = s.pad();
        int h = s.height();
        int w = s.width();
        int oh = s.outHeight();
        int ow = s.outWidth();
        long n = (long) oh * ow;
        for (int kk = from; kk < to; kk++) {
            int c = kk / taps;
            int t = kk % taps;
            int ky = t / kernel;
            int kx = t % kernel;
            int ox0 = firstInside(pad, kx, stride);
            int ox1 = endInside(w, pad, kx, stride, ow);
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride - pad + ky;
                if (iy < 0 || iy >= h || ox0 >= ox1) {
                    continue;
                }
                int src = (c * h + iy) * w + ox0 * stride - pad + kx;
                long dst = kk * n + (long) oy * ow + ox0;
                if (stride == 1) {
                    MemorySegment.copy(input, src, cols, ValueLayout.JAVA_FLOAT, dst * Float.BYTES, ox1 - ox0);
                } else {
                    for (int ox = ox0; ox < ox1; ox++, src += stride) {
                        cols.setAtIndex(ValueLayout.JAVA_FLOAT, dst + (ox - ox0), input[src]);
                    }
                }
            }
        }
    }

    /**
     * Rows {@code [from, to)} of K written into B: packed panels of {@code nr} columns
     * ({@code b[((j/nr)*K + kk)*nr + j%nr]}) or, without panels, row-major N x K ({@code b[j*K + kk]}).
     * {@code input} and {@code b} are both float[] or both byte[]. The destination index advances
     * incrementally along an output row (no division per element).
     */
    static void im2colPacked(ConvShape s, Object input, Object b, boolean panels, int nr, int from, int to) {
        int kernel = s.kernel();
        int taps = kernel * kernel;
        int stride = s.stride();
        int pad = s.pad();
        int h = s.height();
        int w = s.width();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int k = s.k();
        int lanes = panels ? nr : 1;            // columns side by side
        int laneStep = panels ? 1 : k;          // next column within a panel
        int panelStep = panels ? k * nr : k;    // next panel (row-major: each column its own "panel")
        for (int kk = from; kk < to; kk++) {
            int c = kk / taps;
            int t = kk % taps;
            int ky = t / kernel;
            int kx = t % kernel;
            int ox0 = firstInside(pad, kx, stride);
            int ox1 = endInside(w, pad, kx, stride, ow);
            int kkOffset = panels ? kk * nr : kk;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride - pad + ky;
                if (iy < 0 || iy >= h || ox0 >= ox1) {
                    continue;
                }
                int src = (c * h + iy) * w + ox0 * stride - pad + kx;
                int j = oy * ow + ox0;
                int lane = j % lanes;
                int dst = (j / lanes) * panelStep + kkOffset + lane * laneStep;
                int count = ox1 - ox0;
                if (input instanceof float[] fin) {
                    rowFloats(fin, src, stride, (float[]) b, dst, count, lane, lanes, laneStep, panelStep);
                } else {
                    rowBytes((byte[]) input, src, stride, (byte[]) b, dst, count, lane, lanes, laneStep, panelStep);
                }
            }
        }
    }

    private static void rowFloats(float[] in, int src, int stride, float[] b, int dst, int count, int lane, int lanes,
                                  int laneStep, int panelStep) {
        int panelStart = dst - lane * laneStep;
        for (int i = 0; i < count; i++, src += stride) {
            b[dst] = in[src];
            if (++lane == lanes) {
                lane = 0;
                panelStart += panelStep;
                dst = panelStart;
            } else {
                dst += laneStep;
            }
        }
    }

    private static void rowBytes(byte[] in, int src, int stride, byte[] b, int dst, int count, int lane, int lanes,
                                 int laneStep, int panelStep) {
        int panelStart = dst - lane * laneStep;
        for (int i = 0; i < count; i++, src += stride) {
            b[dst] = in[src];
            if (++lane == lanes) {
                lane = 0;
                panelStart += panelStep;
                dst = panelStart;
            } else {
                dst += laneStep;
            }
        }
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.FloatGemm;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS {@code cblas_sgemm} (bytedeco) as the network runtime's {@link FloatGemm}: the fp32
 * network "as a Java user would run it", im2col + OpenBLAS. A is copied off-heap once; each
 * product copies B into, and C out of, off-heap buffers kept per thread (a Java user's
 * {@code float[]} has to cross into native memory somehow; these copies are O(N*K + M*N) against
 * the product's O(M*N*K)). {@code threads} is passed to {@code openblas_set_num_threads} on every
 * call, as {@link OpenBlasSgemm} does.
 *
 * <p>Thread-safe (each thread has its own B and C buffers; A is read-only).
 */
public final class OpenBlasFloatGemm implements FloatGemm {

    private static final ThreadLocal<FloatPointer[]> BUFFERS = ThreadLocal.withInitial(() -> new FloatPointer[2]);

    /** Loads OpenBLAS. */
    public OpenBlasFloatGemm() {
        Loader.load(openblas_nolapack.class);
    }

    @Override
    public Prepared prepare(float[] a, int m, int k) {
        FloatGemm.checkPrepare(a, m, k);
        FloatPointer pa = new FloatPointer(a);
        return new Prepared() {
            @Override
            public int m() {
                return m;
            }

            @Override
            public int k() {
                return k;
            }

            @Override
            public void multiply(float[] b, int n, float[] c, int cOffset, int threads) {
                FloatGemm.checkMultiply(m, k, b, n, c, cOffset, threads);
                FloatPointer[] buf = BUFFERS.get();
                buf[0] = ensure(buf[0], (long) n * k);
                buf[1] = ensure(buf[1], (long) m * n);
                buf[0].position(0).put(b, 0, n * k);
                openblas_nolapack.blas_set_num_threads(threads);
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, m, n, k, 1f, pa, k, buf[0], k, 0f, buf[1], n);
                buf[1].position(0).get(c, cOffset, m * n);
            }
        };
    }

    private static FloatPointer ensure(FloatPointer p, long size) {
        if (p != null && p.capacity() >= size) {
            return p;
        }
        if (p != null) {
            p.close();
        }
        return new FloatPointer(size);
    }

    @Override
    public String name() {
        return "OpenBLAS " + OpenBlasSgemm.coreName();
    }
}

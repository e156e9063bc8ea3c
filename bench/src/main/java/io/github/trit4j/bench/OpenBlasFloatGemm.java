package io.github.trit4j.bench;

import io.github.trit4j.GemmEngine;

import io.github.trit4j.nn.gemm.FloatGemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * OpenBLAS {@code cblas_sgemm}, called through the FFM API ({@link OpenBlas}), as the network runtime's
 * {@link FloatGemm}: the fp32 network "as a Java user would run it", im2col + OpenBLAS. A is copied to native memory
 * once; each product copies B into, and C out of, native buffers kept per thread (a Java user's {@code float[]} has
 * to cross into native memory somehow; these copies are O(N*K + M*N) against the product's O(M*N*K)). The thread
 * count is set through {@link OpenBlas#threads(int)}, which calls OpenBLAS only when it changes.
 *
 * <p>OpenBLAS picks its core when the library loads: where {@code OPENBLAS_CORETYPE} / {@code OPENBLAS_L2_SIZE} are
 * set (as on some machines, for old builds), start the JVM without them to get the CPU's own core;
 * {@link #name()} says which core runs.
 *
 * <p>Thread-safe (each thread has its own B and C buffers; A is read-only).
 */
public final class OpenBlasFloatGemm implements FloatGemm {

    /** Per thread: {B, C} native buffers, grown on demand, freed with the thread's last reference. */
    private static final ThreadLocal<MemorySegment[]> BUFFERS = ThreadLocal.withInitial(() -> new MemorySegment[2]);

    private final OpenBlas blas;

    /** bytedeco's bundled OpenBLAS (the library the study's anchor found the faster on our machines). */
    public OpenBlasFloatGemm() {
        this(OpenBlas.load(OpenBlas.Source.BYTEDECO));
    }

    /** The given OpenBLAS library. */
    public OpenBlasFloatGemm(OpenBlas blas) {
        this.blas = blas;
    }

    @Override
    public Prepared prepare(float[] a, int m, int k) {
        FloatGemm.checkPrepare(a, m, k);
        MemorySegment pa = Arena.ofAuto().allocate((long) m * k * Float.BYTES, 64);
        MemorySegment.copy(a, 0, pa, ValueLayout.JAVA_FLOAT, 0, m * k);
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
            public void multiply(float[] b, int n, float[] c, int cOffset, GemmEngine engine) {
                FloatGemm.checkMultiply(m, k, b, n, c, cOffset, engine);
                MemorySegment[] buf = BUFFERS.get();
                buf[0] = ensure(buf[0], (long) n * k);
                buf[1] = ensure(buf[1], (long) m * n);
                MemorySegment.copy(b, 0, buf[0], ValueLayout.JAVA_FLOAT, 0, n * k);
                blas.threads(engine.threads());
                blas.sgemm(true, m, n, k, pa, buf[0], buf[1]);
                MemorySegment.copy(buf[1], ValueLayout.JAVA_FLOAT, 0, c, cOffset, m * n);
            }
        };
    }

    private static MemorySegment ensure(MemorySegment s, long floats) {
        if (s != null && s.byteSize() >= floats * Float.BYTES) {
            return s;
        }
        return Arena.ofAuto().allocate(floats * Float.BYTES, 64);
    }

    @Override
    public String name() {
        return blas.describe();
    }
}

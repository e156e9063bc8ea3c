package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The fp32 anchor of the speedup study: OpenBLAS {@code cblas_sgemm} called through the FFM API ({@link OpenBlas})
 * on native memory, as fast as a Java program can call it. Computes {@code C = A * B^T} (A M x K, B N x K, both
 * row-major, C M x N) on native copies of the operands made once (64-byte aligned), so a product costs exactly one
 * {@code cblas_sgemm} downcall (OpenBLAS packs internally on every call, as it would for a user).
 *
 * <p>OpenBLAS picks its kernels at load time from the CPU, unless the environment variable
 * {@code OPENBLAS_CORETYPE} forces a core; {@link OpenBlas#describe()} tells which library, version and core run.
 * Not thread-safe (one product, one output).
 */
public final class OpenBlasSgemm implements AutoCloseable {

    private final OpenBlas blas;
    private final int m;
    private final int n;
    private final int k;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment a;
    private final MemorySegment b;
    private final MemorySegment c;

    /**
     * Copies the operands to native memory.
     *
     * @param a M x K, row-major
     * @param b N x K, row-major
     */
    public OpenBlasSgemm(OpenBlas blas, float[] a, float[] b, int m, int n, int k) {
        Fp32VectorGemm.check(a.length, b.length, m, n, k);
        this.blas = blas;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = copy(arena, a);
        this.b = copy(arena, b);
        this.c = arena.allocate((long) m * n * Float.BYTES, 64);
    }

    /** A 64-byte aligned native copy of {@code v}. */
    static MemorySegment copy(Arena arena, float[] v) {
        MemorySegment s = arena.allocate((long) v.length * Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    /** The library this product calls. */
    public OpenBlas library() {
        return blas;
    }

    /** One product on {@code threads} OpenBLAS threads (set only when it changes: {@link OpenBlas#threads}). */
    public void multiply(int threads) {
        blas.threads(threads);
        blas.sgemm(true, m, n, k, a, b, c);
    }

    /** A copy of the last product's C, M x N row-major. */
    public float[] result() {
        return c.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Override
    public void close() {
        arena.close();
    }
}

package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The fp32 anchor of the speedup study: OpenBLAS {@code cblas_sgemm} through bytedeco's
 * presets, which is what a Java user calls for float GEMM. Computes
 * {@code C = A * B^T} (A M x K, B N x K, both row-major, C M x N) on off-heap copies of the
 * operands made once, so a product costs exactly one {@code cblas_sgemm} call (OpenBLAS packs
 * internally on every call, as it would for a user).
 *
 * <p>OpenBLAS picks its kernels at load time from the CPU, unless the environment variable
 * {@code OPENBLAS_CORETYPE} forces a core; {@link #coreName()} tells which one runs.
 */
public final class OpenBlasSgemm implements AutoCloseable {

    private final int m;
    private final int n;
    private final int k;
    private final FloatPointer a;
    private final FloatPointer b;
    private final FloatPointer c;

    /**
     * Copies the operands off-heap.
     *
     * @param a M x K, row-major
     * @param b N x K, row-major
     */
    public OpenBlasSgemm(float[] a, float[] b, int m, int n, int k) {
        Fp32VectorGemm.check(a.length, b.length, m, n, k);
        Loader.load(openblas_nolapack.class);
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = new FloatPointer(a);
        this.b = new FloatPointer(b);
        this.c = new FloatPointer((long) m * n);
    }

    /** One product on {@code threads} OpenBLAS threads ({@code openblas_set_num_threads}). */
    public void multiply(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasTrans, m, n, k, 1f, a, k, b, k, 0f, c, n);
    }

    /** A copy of the last product's C, M x N row-major. */
    public float[] result() {
        float[] out = new float[m * n];
        c.get(out);
        return out;
    }

    @Override
    public void close() {
        a.close();
        b.close();
        c.close();
    }

    /**
     * Environment variables that override OpenBLAS's own choice of kernels and blocking for the CPU:
     * {@code OPENBLAS_CORETYPE} forces a core's kernels, {@code OPENBLAS_L2_SIZE} the cache size its
     * blocking assumes.
     */
    public static final java.util.List<String> FORCING_VARIABLES = java.util.List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    /** {@code "OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512"}: those of {@link #FORCING_VARIABLES} set in this process, or "". */
    public static String forcingEnvironment() {
        StringBuilder sb = new StringBuilder();
        for (String name : FORCING_VARIABLES) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                sb.append(sb.isEmpty() ? "" : " ").append(name).append('=').append(v.trim());
            }
        }
        return sb.toString();
    }

    /**
     * The core OpenBLAS runs on, from {@code openblas_get_corename()} (e.g. {@code Haswell},
     * {@code SkylakeX}, {@code Zen}, {@code NeoverseN1}), with the {@link #FORCING_VARIABLES} that are
     * set, e.g. {@code "Haswell (OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512)"}; {@code "unknown (...)"}
     * if the symbol cannot be called.
     */
    public static String coreName() {
        String forced = forcingEnvironment();
        String suffix = forced.isEmpty() ? "" : " (" + forced + ")";
        try {
            Loader.load(openblas_nolapack.class);
            org.bytedeco.javacpp.Pointer symbol = Loader.addressof("openblas_get_corename");
            long address = symbol == null ? 0 : symbol.address();
            if (address == 0) {
                return "unknown (openblas_get_corename not found)" + suffix;
            }
            MethodHandle call = Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(address),
                    FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment name = (MemorySegment) call.invokeExact();
            return name.reinterpret(256).getString(0).trim() + suffix;
        } catch (Throwable e) {
            return "unknown (" + e + ")" + suffix;
        }
    }
}

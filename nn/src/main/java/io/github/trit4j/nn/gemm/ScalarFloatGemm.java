package io.github.trit4j.nn.gemm;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.WorkspacePool;

/** The scalar float GEMM: 4 x 4 output blocks, K innermost. Stateless but for its task objects, one per call in progress ({@link WorkspacePool}). */
final class ScalarFloatGemm implements FloatGemm {

    static final ScalarFloatGemm INSTANCE = new ScalarFloatGemm();

    /** One product in blocks of 4 rows; one per calling thread ({@link FloatProductTask}). */
    private static final class Product extends FloatProductTask {
        @Override
        public void run(int from, int to) {
            rows(a, b, m, n, k, c, cOffset, from * 4, Math.min(m, to * 4));
        }
    }

    /** The calling thread's product task ({@link WorkspacePool}, as every per-call buffer of the runtime). */
    private static final WorkspacePool<Product> PRODUCTS = new WorkspacePool<>(Product::new);

    @Override
    public Prepared prepare(float[] a, int m, int k) {
        FloatGemm.checkPrepare(a, m, k);
        float[] w = a.clone();
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
                int blocks = (m + 3) / 4;
                if (engine.threads() == 1 || blocks == 1) {
                    rows(w, b, m, n, k, c, cOffset, 0, m);
                    return;
                }
                Product p = PRODUCTS.acquire();
                try {
                    p.runOn(engine, blocks, w, b, m, n, k, c, cOffset);
                } finally {
                    PRODUCTS.release(p);
                }
            }
        };
    }

    private static void rows(float[] a, float[] b, int m, int n, int k, float[] c, int cOff, int i0, int i1) {
        for (int i = i0; i < i1; i += 4) {
            int ri = Math.min(4, i1 - i);
            for (int j = 0; j < n; j += 4) {
                int rj = Math.min(4, n - j);
                if (ri == 4 && rj == 4) {
                    block4(a, b, n, k, c, cOff, i, j);
                } else {
                    for (int x = 0; x < ri; x++) {
                        for (int y = 0; y < rj; y++) {
                            float s = 0f;
                            int ar = (i + x) * k;
                            int br = (j + y) * k;
                            for (int q = 0; q < k; q++) {
                                s += a[ar + q] * b[br + q];
                            }
                            c[cOff + (i + x) * n + j + y] = s;
                        }
                    }
                }
            }
        }
    }

    private static void block4(float[] a, float[] b, int n, int k, float[] c, int cOff, int i, int j) {
        float s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        float s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        for (int q = 0; q < k; q++) {
            float x0 = a[a0 + q], x1 = a[a1 + q], x2 = a[a2 + q], x3 = a[a3 + q];
            float y0 = b[b0 + q], y1 = b[b1 + q], y2 = b[b2 + q], y3 = b[b3 + q];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        int r = cOff + i * n + j;
        c[r] = s00; c[r + 1] = s01; c[r + 2] = s02; c[r + 3] = s03;
        r += n;
        c[r] = s10; c[r + 1] = s11; c[r + 2] = s12; c[r + 3] = s13;
        r += n;
        c[r] = s20; c[r + 1] = s21; c[r + 2] = s22; c[r + 3] = s23;
        r += n;
        c[r] = s30; c[r + 1] = s31; c[r + 2] = s32; c[r + 3] = s33;
    }

    @Override
    public String name() {
        return "scalar Java";
    }
}

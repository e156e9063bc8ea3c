package io.github.trit4j.nn;

/** Mean over H x W: the plane's sum in row-major order, divided by H*W, giving [N, C]. */
final class GlobalAvgPool extends Layer<Void> {
    GlobalAvgPool(Shape in) {
        super(LayerKind.GLOBAL_POOL, in, new Shape(in.c(), 1, 1));
    }

    @Override
    void forward(float[] x, float[] y, int batch, Void scratch, LayerTimes times) {
        int plane = in.h() * in.w();
        float div = plane;
        for (int i = 0; i < batch * in.c(); i++) {
            float acc = 0f;
            int base = i * plane;
            for (int j = base; j < base + plane; j++) {
                acc += x[j];
            }
            y[i] = acc / div;
        }
    }

    @Override
    String describe() {
        return "global_avg_pool -> " + out;
    }
}

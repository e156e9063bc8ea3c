package io.github.trit4j.nn;

import java.util.Arrays;

/** {@code (x - mean[c]) / std[c]}. */
final class Normalize extends Layer<Void> {
    private final float[] mean;
    private final float[] std;

    Normalize(Shape in, float[] mean, float[] std) {
        super(LayerKind.NORMALIZE, in, in);
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    void forward(float[] x, float[] y, int batch, Void scratch, LayerTimes times) {
        int plane = in.h() * in.w();
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < in.c(); c++) {
                float m = mean[c];
                float s = std[c];
                int base = (n * in.c() + c) * plane;
                for (int i = base; i < base + plane; i++) {
                    y[i] = (x[i] - m) / s;
                }
            }
        }
    }

    @Override
    String describe() {
        return "normalize mean " + Arrays.toString(mean) + " std " + Arrays.toString(std);
    }
}

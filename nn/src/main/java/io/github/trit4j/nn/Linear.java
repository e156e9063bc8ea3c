package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.nn.gemm.FloatGemm;

/** {@code y = x W^T + b}: the GEMM {@code W x^T}, then bias (float32, after the product). */
final class Linear extends Layer<float[]> {
    final String name;
    private final FloatGemm.Prepared weights;
    private final float[] bias;
    private final GemmEngine engine;

    Linear(String name, Shape in, int outFeatures, float[] weights, float[] bias, FloatGemm gemm,
           GemmEngine engine) {
        super(LayerKind.LINEAR, in, new Shape(outFeatures, 1, 1));
        this.name = name;
        this.weights = gemm.prepare(weights, outFeatures, in.c());
        this.bias = bias;
        this.engine = engine;
    }

    @Override
    float[] scratch(int batch) {
        return batch == 1 ? null : new float[batch * out.c()];
    }

    @Override
    void forward(float[] x, float[] y, int batch, float[] t, LayerTimes times) {
        int m = out.c();
        if (batch == 1) {
            weights.multiply(x, 1, y, 0, engine);
            if (bias != null) {
                for (int o = 0; o < m; o++) {
                    y[o] = y[o] + bias[o];
                }
            }
            return;
        }
        weights.multiply(x, batch, t, 0, engine);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < m; o++) {
                float v = t[o * batch + n];
                y[n * m + o] = bias == null ? v : v + bias[o];
            }
        }
    }

    @Override
    String describe() {
        return name + ": linear " + in.c() + " -> " + out.c() + (bias != null ? " + bias" : "");
    }
}
